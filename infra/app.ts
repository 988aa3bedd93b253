import { App } from 'aws-cdk-lib';
import { buildApp } from './build-app';

const app = new App();
try {
  buildApp(app);
} catch (error) {
  // Configuration mistakes (missing/invalid stage, bad overrides): one line, no stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
app.synth();
