// The AWS SDK's ten-line Node-version warning, once per test process and again in every command
// the tests start: the commands say it in one line themselves (src/ops/command.ts), tests not at all.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
