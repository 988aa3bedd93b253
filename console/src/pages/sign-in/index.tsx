/** Sign-in with email and password, and Cognito's new-password challenge for a first sign-in. */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { safeNext } from '../../app/safe-next';
import { completeNewPassword, signIn } from '../../auth/session';
import { ProblemAlert } from '../commons/problem-alert';

export function SignInPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [challenge, setChallenge] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const done = () => {
    queryClient.clear();
    navigate(safeNext(params.get('next')), { replace: true });
  };

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      if (challenge) {
        await completeNewPassword(email, challenge, newPassword);
        done();
      } else {
        const result = await signIn(email.trim(), password);
        if (result.kind === 'new-password-required') setChallenge(result.session);
        else done();
      }
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box padding={{ vertical: 'xxxl', horizontal: 'l' }}>
      <div style={{ maxWidth: 440, margin: '0 auto' }}>
        <main>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void submit();
            }}
          >
            <Form
              header={<Header variant="h1">Users &amp; Roles</Header>}
              actions={
                <Button variant="primary" formAction="submit" loading={busy}>
                  {challenge ? 'Set password and sign in' : 'Sign in'}
                </Button>
              }
            >
              <Container header={<Header variant="h2">{challenge ? 'Choose a new password' : 'Sign in'}</Header>}>
                <SpaceBetween size="m">
                  <ProblemAlert error={error} header="Sign-in failed" />
                  {challenge ? (
                    <FormField label="New password" description="At least 8 characters.">
                      <Input
                        type="password"
                        value={newPassword}
                        onChange={({ detail }) => setNewPassword(detail.value)}
                        autoComplete="new-password"
                        autoFocus
                      />
                    </FormField>
                  ) : (
                    <>
                      <FormField label="Email">
                        <Input
                          type="email"
                          value={email}
                          onChange={({ detail }) => setEmail(detail.value)}
                          autoComplete="username"
                          autoFocus
                        />
                      </FormField>
                      <FormField label="Password">
                        <Input
                          type="password"
                          value={password}
                          onChange={({ detail }) => setPassword(detail.value)}
                          autoComplete="current-password"
                        />
                      </FormField>
                    </>
                  )}
                </SpaceBetween>
              </Container>
            </Form>
          </form>
        </main>
      </div>
    </Box>
  );
}
