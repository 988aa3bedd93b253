import Header from '@cloudscape-design/components/header';

export default function Screen() {
  return <Header variant="h1">Audit log</Header>;
}
