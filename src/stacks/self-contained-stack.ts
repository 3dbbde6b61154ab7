import { Construct } from 'constructs';
import { TerraformStack } from 'cdktf';

/** The oldest Terraform the stacks run on (ephemeral resources and write-only arguments). */
export const MINIMUM_TERRAFORM = '1.11.0';

/**
 * A stack that never references another stack: every environment (and the bootstrap stack) has its
 * own state and is applied on its own, so a token shared between stacks would be a design error.
 *
 * cdktf's `App.synth()` resolves every token of every stack twice. The first pass, in
 * `prepareStack()`, exists only to discover cross-stack references and wire `terraform_remote_state`
 * plumbing for them; the second writes the JSON. With no cross-stack references the first pass
 * changes nothing, yet it costs about 40% of each stack's synth (14 of ~32 ms per environment on a
 * 2-core machine), so this class keeps only the backend check of `prepareStack()`.
 *
 * Guarded by `__tests__/self-contained.test.ts`: it synthesizes the whole app with cdktf's own
 * preparing pass and with this one, requires identical output, and proves that comparison catches
 * a cross-stack reference.
 */
export abstract class SelfContainedStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Write-only secret arguments with ephemeral values (secret_string_wo) need Terraform 1.11: an
    // older one stops at init with this constraint instead of failing mid-plan on an unknown block.
    this.addOverride('terraform.required_version', `>= ${MINIMUM_TERRAFORM}`);
  }

  prepareStack(): void {
    // A cdktf that no longer has the check (a future CDK Terrain) gets its full pass back.
    if (typeof this.ensureBackendExists !== 'function') return super.prepareStack();
    this.ensureBackendExists();
  }
}
