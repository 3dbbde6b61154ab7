import { Construct } from 'constructs';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrPullThroughCacheRule } from '@cdktf/provider-aws/lib/ecr-pull-through-cache-rule';
import { PolicyStatement } from '../lib/iam';
import { arn } from '../lib/naming';

export interface RegistryModuleProps {
  /** Repository name, e.g. `webapp-prod`. */
  readonly repositoryName: string;
  /** How many images to keep (older ones expire). */
  readonly keepImages: number;
  /** Let `terraform destroy` delete a repository that still holds images (non-prod only). */
  readonly forceDelete: boolean;
  readonly region: string;
  readonly accountId: string;
  /**
   * Prefix of the ECR Public pull-through cache (`<project>-<env>-pub`): public images the stack
   * runs (the Postgres client of the database-admin task) are pulled through the account's own
   * registry, so tasks need no route to the internet (natMode none), images are scanned, and
   * nothing depends on a public registry's rate limits.
   */
  readonly publicCachePrefix?: string;
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
  private readonly props: RegistryModuleProps;

  constructor(scope: Construct, id: string, props: RegistryModuleProps) {
    super(scope, id);
    this.props = props;
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

    if (props.publicCachePrefix) {
      new EcrPullThroughCacheRule(this, 'public-cache', {
        ecrRepositoryPrefix: props.publicCachePrefix,
        upstreamRegistryUrl: 'public.ecr.aws',
      });
    }
  }

  /** The image URI of an ECR Public image (`docker/library/postgres:17-alpine`) through the pull-through cache. */
  publicImage(path: string): string {
    if (!this.props.publicCachePrefix) throw new Error('this registry has no pull-through cache');
    return `${this.props.accountId}.dkr.ecr.${this.props.region}.amazonaws.com/${this.props.publicCachePrefix}/${path}`;
  }

  /**
   * What an execution role needs to pull through the cache: the first pull of an image creates its
   * cache repository and imports it, so CreateRepository and BatchImportUpstreamImage, only there.
   */
  publicCachePullStatement(): PolicyStatement {
    if (!this.props.publicCachePrefix) throw new Error('this registry has no pull-through cache');
    return {
      Sid: 'PullThroughPublicCache',
      Effect: 'Allow',
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage', 'ecr:BatchImportUpstreamImage', 'ecr:CreateRepository'],
      Resource: arn(this.props.region, 'ecr', this.props.region, this.props.accountId, `repository/${this.props.publicCachePrefix}/*`),
    };
  }
}
