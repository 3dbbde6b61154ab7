import { Construct } from 'constructs';
import { Fn, Op, Token } from 'cdktf';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';

export interface ImageVersionProps {
  /** SSM parameter name, e.g. `/webapp/prod/image-tag`. */
  readonly parameterName: string;
  /** The tag to release (IMAGE_TAG); undefined keeps whatever is deployed. */
  readonly imageTag?: string;
}

/** Tag used before the first release: the services start only once a real image is released. */
export const UNRELEASED_TAG = 'unreleased';

/**
 * The deployed image tag, kept in an SSM parameter so a deploy without IMAGE_TAG never drifts:
 * - with a tag, the parameter's value is that tag and every task definition follows it;
 * - without one, the value is ignored (`ignore_changes`), so Terraform plans with the tag already
 *   in state and `cdktf diff` shows no change.
 * The parameter is also where the one-off task script and humans read "what is live".
 */
export class ImageVersion extends Construct {
  readonly parameter: SsmParameter;
  /** The tag every task definition uses (resolved from state when no new tag is given). */
  readonly tag: string;

  constructor(scope: Construct, id: string, props: ImageVersionProps) {
    super(scope, id);
    this.parameter = new SsmParameter(this, 'tag', {
      name: props.parameterName,
      description: 'Image tag deployed by cdktf (set IMAGE_TAG on deploy to release)',
      type: 'String',
      // `insecure_value`, not `value`: the provider marks `value` sensitive whatever the type, and
      // every task definition built from it would then diff as "(sensitive value)". An image tag is
      // not a secret; releases must show which image they roll out.
      insecureValue: props.imageTag ?? UNRELEASED_TAG,
      lifecycle: props.imageTag ? undefined : { ignoreChanges: ['insecure_value'] },
    });
    this.tag = this.parameter.insecureValue;
  }

  /**
   * `count` once an image has been released, 0 before: the first deploy creates the services with
   * no tasks (there is no image to run yet), and the first release brings them up. Evaluated by
   * Terraform from the recorded tag, so a plain deploy later keeps the released counts.
   */
  countOnceReleased(count: number): number {
    return Token.asNumber(Fn.conditional(Op.eq(this.tag, UNRELEASED_TAG), 0, count));
  }
}
