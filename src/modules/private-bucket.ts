import { Construct } from 'constructs';
import { ITerraformDependable, Lazy, TerraformProvider } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3BucketLifecycleConfiguration, S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { DataAwsS3Bucket } from '@cdktf/provider-aws/lib/data-aws-s3-bucket';
import { PolicyStatement, policyDocument, tlsOnlyStatement } from '../lib/iam';

export interface PrivateBucketProps {
  /** Provider for every resource of the bucket (defaults to the stack's default provider). */
  readonly provider?: TerraformProvider;
  readonly bucketName: string;
  readonly versioned: boolean;
  /** Extra lifecycle rules; an abort-incomplete-multipart-upload rule is always added. */
  readonly lifecycleRules?: S3BucketLifecycleConfigurationRule[];
  /** Never let Terraform delete this bucket (state buckets, prod data). */
  readonly preventDestroy?: boolean;
  /** Allow `terraform destroy` to empty the bucket first (non-prod only). */
  readonly forceDestroy?: boolean;
  /**
   * The bucket exists already (docs/migrating.md): it is imported (a Terraform import block) and its
   * settings applied in place; it is never emptied or deleted by Terraform, whatever the other props
   * say. `field` is the config field naming it, for the plan-time message when it is missing.
   */
  readonly adopt?: { readonly field: string; readonly region: string };
}

/**
 * An S3 bucket that is private by construction: all four public-access-block flags, owner-enforced
 * object ownership, default encryption (SSE-S3), a TLS-only bucket policy and a lifecycle rule
 * that cleans up incomplete multipart uploads.
 */
export class PrivateBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly arn: string;
  /** Dependable that completes once the bucket is fully locked down. */
  readonly ready: ITerraformDependable[];
  private readonly statements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    const adopt = props.adopt;
    const lifecycle = props.preventDestroy || adopt ? { preventDestroy: true } : undefined;
    this.bucket = new S3Bucket(this, 'bucket', {
      provider: props.provider,
      bucket: props.bucketName,
      forceDestroy: adopt ? false : (props.forceDestroy ?? false),
      lifecycle,
    });
    if (adopt) {
      // Read first, so a wrong name fails the plan under an address that names the config field
      // (the import alone would only say "no object exists with the given id").
      const existing = new DataAwsS3Bucket(this, 'existing', {
        provider: props.provider,
        bucket: props.bucketName,
        lifecycle: {
          postcondition: [{
            condition: `\${self.region == "${adopt.region}"}`,
            errorMessage: `${adopt.field}: bucket ${props.bucketName} is in \${self.region}, the environment in ${adopt.region}: adopt a bucket of the environment's region, or copy the objects into a new one (aws s3 sync)`,
          }],
        },
      });
      existing.overrideLogicalId(adopt.field.replace(/\./g, '_'));
      this.bucket.importFrom(props.bucketName, props.provider);
    }
    this.bucketName = this.bucket.bucket;
    this.arn = this.bucket.arn;

    const publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      provider: props.provider,
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const ownership = new S3BucketOwnershipControls(this, 'ownership', {
      provider: props.provider,
      bucket: this.bucket.id,
      // ACLs off, always: every writer of these buckets (CloudFront OAC, ALB and CloudFront v2
      // log deliveries, the app) works without them.
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    const encryption = new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      provider: props.provider,
      bucket: this.bucket.id,
      // SSE-S3: encryption at rest that CloudFront OAC, ALB access logs and CloudFront logs can all
      // use without KMS key-policy plumbing (ALB log delivery does not support SSE-KMS at all).
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
    });
    const versioning = new S3BucketVersioningA(this, 'versioning', {
      provider: props.provider,
      bucket: this.bucket.id,
      versioningConfiguration: { status: props.versioned ? 'Enabled' : 'Suspended' },
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      provider: props.provider,
      bucket: this.bucket.id,
      rule: [
        {
          id: 'abort-incomplete-multipart-uploads',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
        ...(props.lifecycleRules ?? []),
      ],
      dependsOn: [versioning],
    });

    this.statements = [tlsOnlyStatement(this.bucket.arn)];
    const policy = new S3BucketPolicy(this, 'policy', {
      provider: props.provider,
      bucket: this.bucket.id,
      // Rendered at synth, after every addPolicyStatements call.
      policy: Lazy.stringValue({ produce: () => policyDocument(this.statements) }),
      // The public access block must exist first, or a policy could briefly apply to an open bucket.
      dependsOn: [publicAccessBlock],
    });
    this.ready = [publicAccessBlock, ownership, encryption, policy];
  }

  /** Adds statements to the bucket policy (e.g. for a CloudFront distribution created later). */
  addPolicyStatements(...statements: PolicyStatement[]): void {
    this.statements.push(...statements);
  }
}
