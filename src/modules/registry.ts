import { Construct } from 'constructs';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';

export interface RegistryModuleProps {
  /** Repository name, e.g. `webapp-prod`. */
  readonly repositoryName: string;
  /** How many images to keep (older ones expire). */
  readonly keepImages: number;
  /** Let `terraform destroy` delete a repository that still holds images (non-prod only). */
  readonly forceDelete: boolean;
}

/**
 * One ECR repository per environment: environments stay self-contained (no cross-stack
 * references, no cross-account pulls), and a release promotes an image by pushing the same
 * digest to the next environment's repository.
 */
export class RegistryModule extends Construct {
  readonly repository: EcrRepository;
  readonly repositoryUrl: string;
  readonly repositoryArn: string;
  readonly repositoryName: string;

  constructor(scope: Construct, id: string, props: RegistryModuleProps) {
    super(scope, id);
    this.repository = new EcrRepository(this, 'repository', {
      name: props.repositoryName,
      // A tag names one build forever: deploys and rollbacks are reproducible (FSBP ECR.2).
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'AES256' }],
      forceDelete: props.forceDelete,
    });
    new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: 'Expire untagged images (failed or superseded pushes) after a day',
            selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 },
            action: { type: 'expire' },
          },
          {
            rulePriority: 2,
            description: `Keep the last ${props.keepImages} images`,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: props.keepImages },
            action: { type: 'expire' },
          },
        ],
      }),
    });
    this.repositoryUrl = this.repository.repositoryUrl;
    this.repositoryArn = this.repository.arn;
    this.repositoryName = this.repository.name;
  }
}
