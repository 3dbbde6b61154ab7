import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { DnsModule } from './dns';

export interface CertificateModuleProps {
  /** Names the load balancer serves: the first is the certificate's domain, the rest SANs. */
  readonly loadBalancerNames: string[];
  /** The CloudFront alias, e.g. `static.example.com`. */
  readonly cdnName: string;
  readonly dns: DnsModule;
  /** us-east-1 provider: CloudFront only accepts certificates from there. */
  readonly usEast1: TerraformProvider;
}

/**
 * DNS-validated ACM certificates: one in the stack's region for the load balancer, one in
 * us-east-1 for CloudFront. Consumers get the ARN from the validation resource, so nothing
 * attaches a certificate before it is issued. Certificates are replaced before they are destroyed
 * (a listener or distribution always has one).
 */
export class CertificateModule extends Construct {
  readonly loadBalancerCertificate: AcmCertificate;
  readonly cdnCertificate: AcmCertificate;
  /** Validated regional certificate ARN (for the ALB's HTTPS listener). */
  readonly loadBalancerCertificateArn: string;
  /** Validated us-east-1 certificate ARN (for CloudFront). */
  readonly cdnCertificateArn: string;

  constructor(scope: Construct, id: string, props: CertificateModuleProps) {
    super(scope, id);
    const [domainName, ...alternativeNames] = props.loadBalancerNames;

    this.loadBalancerCertificate = this.certificate('load-balancer', domainName, alternativeNames);
    this.loadBalancerCertificateArn = this.validate('load-balancer', this.loadBalancerCertificate, props.dns);

    this.cdnCertificate = this.certificate('cdn', props.cdnName, [], props.usEast1);
    this.cdnCertificateArn = this.validate('cdn', this.cdnCertificate, props.dns, props.usEast1);
  }

  private certificate(id: string, domainName: string, alternativeNames: string[], provider?: TerraformProvider): AcmCertificate {
    return new AcmCertificate(this, id, {
      provider,
      domainName,
      subjectAlternativeNames: alternativeNames.length > 0 ? alternativeNames : undefined,
      validationMethod: 'DNS',
      keyAlgorithm: 'RSA_2048',
      options: { certificateTransparencyLoggingPreference: 'ENABLED' },
      lifecycle: { createBeforeDestroy: true },
    });
  }

  private validate(id: string, certificate: AcmCertificate, dns: DnsModule, provider?: TerraformProvider): string {
    const fqdns = dns.addValidationRecords(id, certificate);
    return new AcmCertificateValidation(this, `${id}-validation`, {
      provider,
      certificateArn: certificate.arn,
      // Without records (external DNS) this waits until the user has created the output CNAMEs.
      validationRecordFqdns: fqdns,
    }).certificateArn;
  }
}
