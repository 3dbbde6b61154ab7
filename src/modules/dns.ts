import { Construct } from 'constructs';
import { TerraformIterator, TerraformOutput, Token } from 'cdktf';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { DataAwsRoute53Zone } from '@cdktf/provider-aws/lib/data-aws-route53-zone';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { DnsConfig } from '../config/types';

export interface DnsModuleProps {
  /** The environment's domain, e.g. `staging.example.com`. */
  readonly domainName: string;
  readonly dns: DnsConfig;
}

/** A stable, readable output name (`dns_record_static`, `dns_validation_cdn`) instead of a hashed construct path. */
const outputName = (kind: string, id: string) => `${kind}_${id.replace(/[^A-Za-z0-9]+/g, '_')}`;

/** Where an alias record points: a load balancer or a CloudFront distribution. */
export interface AliasTarget {
  readonly dnsName: string;
  readonly zoneId: string;
  /**
   * Route53 health evaluation of the target: true for a load balancer (no healthy targets, no
   * answer); false for CloudFront, which does not support it.
   */
  readonly evaluateTargetHealth: boolean;
}

/**
 * The environment's DNS. The hosted zone is looked up by name (`lookup`, the default: zones are
 * created once, outside any environment), created here (`create`), or not used at all
 * (`external`): then every record the user must create becomes a stack output instead.
 */
export class DnsModule extends Construct {
  /** Route53 zone id; undefined in external mode. */
  readonly zoneId?: string;
  readonly zoneName: string;
  readonly external: boolean;
  /** Name servers to delegate to, in `create` mode. */
  readonly nameServers?: string[];

  constructor(scope: Construct, id: string, props: DnsModuleProps) {
    super(scope, id);
    this.zoneName = props.dns.zoneName ?? props.domainName;
    this.external = props.dns.zoneMode === 'external';
    if (props.dns.zoneMode === 'lookup') {
      this.zoneId = new DataAwsRoute53Zone(this, 'zone', { name: this.zoneName, privateZone: false }).zoneId;
    } else if (props.dns.zoneMode === 'create') {
      const zone = new Route53Zone(this, 'zone', { name: this.zoneName, comment: `Managed by cdktf for ${props.domainName}` });
      this.zoneId = zone.zoneId;
      this.nameServers = zone.nameServers;
    }
  }

  /**
   * DNS validation records of a certificate. Returns the record FQDNs to hand to
   * `aws_acm_certificate_validation`, or undefined in external mode, where the CNAMEs become the
   * output `dns_validation_<id>` and the validation simply waits until they exist.
   */
  addValidationRecords(id: string, certificate: AcmCertificate): string[] | undefined {
    if (!this.zoneId) {
      new TerraformOutput(this, `${id}_validation_records`, {
        value: certificate.domainValidationOptions,
        description: `Create these CNAME records at your DNS provider to validate the ${id} certificate`,
      }).overrideLogicalId(outputName('dns_validation', id));
      return undefined;
    }
    // One record per domain of the certificate, keyed by domain name, which is known at plan time.
    // The set is iterated directly (the AWS provider's documented pattern). cdktf's typed attribute
    // renders as tolist(...), whose order, and so every key, stays unknown until apply once a
    // certificate has two names ("Invalid for_each argument"), hence the written-out expression.
    const address = `${certificate.terraformResourceType}.${certificate.friendlyUniqueId}`;
    const options = TerraformIterator.fromMap(Token.asAnyMap(`\${{ for dvo in ${address}.domain_validation_options : dvo.domain_name => dvo }}`));
    const records = new Route53Record(this, `${id}-validation`, {
      forEach: options,
      zoneId: this.zoneId,
      name: options.getString('resource_record_name'),
      type: options.getString('resource_record_type'),
      records: [options.getString('resource_record_value')],
      ttl: 60,
      // Re-running validation for the same name (e.g. a replaced certificate) must not fail.
      allowOverwrite: true,
    });
    return Token.asList(TerraformIterator.fromResources(records).pluckProperty('fqdn'));
  }

  /**
   * Alias A record (and AAAA when `ipv6`) from `fqdn` to a load balancer or distribution. In
   * external mode the record to create becomes the output `dns_record_<id>`.
   */
  addAlias(id: string, fqdn: string, target: AliasTarget, opts: { ipv6: boolean }): void {
    if (!this.zoneId) {
      new TerraformOutput(this, `dns_${id}`, {
        value: { name: fqdn, type: 'CNAME (or ALIAS/ANAME at the apex)', target: target.dnsName },
        description: `Create this record at your DNS provider for ${fqdn}`,
      }).overrideLogicalId(outputName('dns_record', id));
      return;
    }
    for (const type of opts.ipv6 ? ['A', 'AAAA'] : ['A']) {
      new Route53Record(this, `${id}-${type.toLowerCase()}`, {
        zoneId: this.zoneId,
        name: fqdn,
        type,
        alias: { name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: target.evaluateTargetHealth },
      });
    }
  }

  /**
   * A plain record (CNAME, MX, TXT) in the zone; in external mode the records to create become the
   * output `dns_record_<id>` (one list per id, each `{name, type, value}`).
   */
  addRecords(id: string, records: { name: string; type: 'CNAME' | 'MX' | 'TXT'; value: string }[], options: { ttl?: number; allowOverwrite?: boolean } = {}): void {
    if (!this.zoneId) {
      new TerraformOutput(this, `dns_${id}`, {
        value: records,
        description: `Create these records at your DNS provider (${id})`,
      }).overrideLogicalId(outputName('dns_record', id));
      return;
    }
    records.forEach((r, i) => {
      new Route53Record(this, `${id}-${i}`, {
        zoneId: this.zoneId!,
        name: r.name,
        type: r.type,
        // The provider quotes TXT values itself (hashicorp/aws route53_record docs); each is under 255 characters.
        records: [r.value],
        ttl: options.ttl ?? 1800,
        // Taking over records that exist with these names (an adopted identity's): no "already exists".
        allowOverwrite: options.allowOverwrite || undefined,
      });
    });
  }
}
