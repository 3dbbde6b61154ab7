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
  /**
   * Certificates that exist already (`domain.certificates`, ARNs validated at synth): that side
   * gets no certificate and no validation records of its own.
   */
  readonly existing?: { readonly loadBalancer?: string; readonly cdn?: string };
}

/**
 * DNS-validated ACM certificates: one in the stack's region for the load balancer, one in
 * us-east-1 for CloudFront. Consumers get the ARN from the validation resource, so nothing
 * attaches a certificate before it is issued. Certificates are replaced before they are destroyed
 * (a listener or distribution always has one).
 */
export class CertificateModule extends Construct {
  /** The certificate (its ARN is known once requested, before validation): the expiry alarm's. */
  readonly loadBalancerCertificate: { readonly arn: string };
  readonly cdnCertificate: { readonly arn: string };
  /** Validated regional certificate ARN (for the ALB's HTTPS listener). */
  readonly loadBalancerCertificateArn: string;
  /** Validated us-east-1 certificate ARN (for CloudFront). */
  readonly cdnCertificateArn: string;

  constructor(scope: Construct, id: string, props: CertificateModuleProps) {
    super(scope, id);
    const [domainName, ...alternativeNames] = props.loadBalancerNames;

    const existing = props.existing ?? {};

    if (existing.loadBalancer) {
      this.loadBalancerCertificate = { arn: existing.loadBalancer };
      this.loadBalancerCertificateArn = existing.loadBalancer;
    } else {
      const certificate = this.certificate('load-balancer', domainName, alternativeNames);
      this.loadBalancerCertificate = certificate;
      this.loadBalancerCertificateArn = this.validate('load-balancer', certificate, props.dns);
    }

    if (existing.cdn) {
      this.cdnCertificate = { arn: existing.cdn };
      this.cdnCertificateArn = existing.cdn;
    } else {
      const certificate = this.certificate('cdn', props.cdnName, [], props.usEast1);
      this.cdnCertificate = certificate;
      this.cdnCertificateArn = this.validate('cdn', certificate, props.dns, props.usEast1);
    }
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
