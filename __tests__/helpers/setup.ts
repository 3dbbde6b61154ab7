import { setupJest } from 'cdktf/lib/testing/adapters/jest';

// Adds cdktf's matchers (toHaveResourceWithProperties, toBeValidTerraform, ...).
setupJest();
