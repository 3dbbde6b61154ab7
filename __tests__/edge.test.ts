import { prod, staging } from '../src/config/environments';
import { EnvironmentConfig } from '../src/config/types';
import { CORS_CACHE_KEY_HEADERS, HSTS_MAX_AGE_SECONDS } from '../src/modules/assets';
import { globalBucketName } from '../src/lib/naming';
import { loadBalancerHostNames } from '../src/config/routing';
import { expectRejected } from './helpers/config';
import { dataOf, onlyResource, policyOf, resourcesOf, shipped, synthEnv, TfJson, withConfig } from './helpers/synth';

const ENVS = [staging, prod];
const json = (env: EnvironmentConfig): TfJson => shipped(env.name as 'staging' | 'prod');
/** The resource of `type` attached to the bucket whose logical name starts with `prefix`. */
const bucketNamed = (j: TfJson, name: string) => resourcesOf(j, 'aws_s3_bucket').find(([, b]) => b.bucket === name)!;
const attached = (j: TfJson, type: string, bucketLogical: string) =>
  resourcesOf(j, type).filter(([, r]) => r.bucket === `\${aws_s3_bucket.${bucketLogical}.id}`).map(([, r]) => r);
const cdnName = (env: EnvironmentConfig) => `${env.domain.staticLabel}.${env.domain.name}`;
/** Every host name the load balancer serves: the app's and the other HTTP services'. */
const appOrigins = (env: EnvironmentConfig) => loadBalancerHostNames(env).map((h) => `https://${h}`);

describe('buckets', () => {
  test.each(ENVS)('$name: static and media buckets are private, owner-enforced, encrypted, versioned, TLS-only', (env) => {
    const j = json(env);
    for (const kind of ['static', 'media']) {
      const [logical] = bucketNamed(j, globalBucketName(env, kind));
      expect(logical).toMatch(new RegExp(`^assets_${kind}_`));
      expect(attached(j, 'aws_s3_bucket_public_access_block', logical)).toEqual([
        expect.objectContaining({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }),
      ]);
      expect(attached(j, 'aws_s3_bucket_ownership_controls', logical)[0].rule.object_ownership).toBe('BucketOwnerEnforced');
      expect(attached(j, 'aws_s3_bucket_server_side_encryption_configuration', logical)[0].rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
      expect(attached(j, 'aws_s3_bucket_versioning', logical)[0].versioning_configuration.status).toBe('Enabled');
      const rules = attached(j, 'aws_s3_bucket_lifecycle_configuration', logical)[0].rule;
      expect(rules).toContainEqual(expect.objectContaining({ abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }));
      const statements = policyOf(attached(j, 'aws_s3_bucket_policy', logical)[0].policy).Statement;
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    }
  });

  test.each(ENVS)('$name: no bucket policy lets anyone anonymous read anything', (env) => {
    const policies = resourcesOf(json(env), 'aws_s3_bucket_policy');
    expect(policies.length).toBeGreaterThanOrEqual(2);
    for (const [, p] of policies) {
      for (const s of policyOf(p.policy).Statement) {
        if (s.Effect !== 'Allow') continue;
        expect(s.Principal).not.toBe('*');
        expect([s.Principal?.AWS].flat()).not.toContain('*');
      }
    }
  });

  test.each(ENVS)('$name: only this CloudFront distribution may read static objects', (env) => {
    const j = json(env);
    const [logical] = bucketNamed(j, globalBucketName(env, 'static'));
    const allows = policyOf(attached(j, 'aws_s3_bucket_policy', logical)[0].policy).Statement.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Sid: 'CloudFrontReadsStatic',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: `\${aws_s3_bucket.${logical}.arn}/*`,
        Condition: { StringEquals: { 'AWS:SourceArn': expect.stringMatching(/^\$\{aws_cloudfront_distribution\.assets_distribution_\w+\.arn\}$/) } },
      },
    ]);
  });

  test.each(ENVS)('$name: media keeps noncurrent versions for the configured days; prod media cannot be destroyed', (env) => {
    const j = json(env);
    const [logical, bucket] = bucketNamed(j, globalBucketName(env, 'media'));
    const rules = attached(j, 'aws_s3_bucket_lifecycle_configuration', logical)[0].rule;
    expect(rules).toContainEqual(expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: env.assets.mediaNoncurrentVersionDays }] }));
    expect(Boolean(bucket.lifecycle?.prevent_destroy)).toBe(env.production);
    expect(bucket.force_destroy).toBe(!env.production);
  });

  test.each(ENVS)('$name: CORS allows only the app origins', (env) => {
    const j = json(env);
    const cors = resourcesOf(j, 'aws_s3_bucket_cors_configuration').map(([, c]) => c);
    expect(cors).toHaveLength(2);
    for (const c of cors) expect(c.cors_rule[0].allowed_origins).toEqual(appOrigins(env));
    const [staticLogical] = bucketNamed(j, globalBucketName(env, 'static'));
    expect(attached(j, 'aws_s3_bucket_cors_configuration', staticLogical)[0].cors_rule[0].allowed_methods).toEqual(['GET', 'HEAD']);
    // Media takes browser uploads with presigned URLs.
    const [mediaLogical] = bucketNamed(j, globalBucketName(env, 'media'));
    expect([...attached(j, 'aws_s3_bucket_cors_configuration', mediaLogical)[0].cors_rule[0].allowed_methods].sort()).toEqual(['GET', 'HEAD', 'POST', 'PUT']);
  });

  test.each(ENVS)('$name: static files can be emptied on destroy outside production only', (env) => {
    const [, bucket] = bucketNamed(json(env), globalBucketName(env, 'static'));
    expect(bucket.force_destroy).toBe(!env.production);
    expect(bucket.lifecycle?.prevent_destroy).toBeUndefined();
  });
});

describe('CloudFront', () => {
  test.each(ENVS)('$name: the static bucket through a sigv4 Origin Access Control', (env) => {
    const j = json(env);
    const [oacName, oac] = resourcesOf(j, 'aws_cloudfront_origin_access_control')[0];
    expect(oac).toMatchObject({ origin_access_control_origin_type: 's3', signing_behavior: 'always', signing_protocol: 'sigv4' });
    const distribution = onlyResource(j, 'aws_cloudfront_distribution');
    const [staticLogical] = bucketNamed(j, globalBucketName(env, 'static'));
    expect(distribution.origin).toEqual([
      expect.objectContaining({
        domain_name: `\${aws_s3_bucket.${staticLogical}.bucket_regional_domain_name}`,
        origin_access_control_id: `\${aws_cloudfront_origin_access_control.${oacName}.id}`,
      }),
    ]);
  });

  test.each(ENVS)('$name: HTTPS only, custom domain on a TLS 1.2 (2021) SNI certificate, CORS-keyed cache policy, compression', (env) => {
    const distribution = onlyResource(json(env), 'aws_cloudfront_distribution');
    expect(distribution.aliases).toEqual([cdnName(env)]);
    expect(distribution.viewer_certificate).toEqual({
      acm_certificate_arn: expect.stringMatching(/^\$\{aws_acm_certificate_validation\.certificates_cdn-validation_\w+\.certificate_arn\}$/),
      ssl_support_method: 'sni-only',
      minimum_protocol_version: 'TLSv1.2_2021',
    });
    expect(distribution.default_cache_behavior).toMatchObject({
      viewer_protocol_policy: 'redirect-to-https',
      compress: true,
      cache_policy_id: expect.stringMatching(/^\$\{aws_cloudfront_cache_policy\.assets_cache-policy_\w+\.id\}$/),
      cached_methods: ['GET', 'HEAD'],
    });
    // Headers in the cache key are forwarded anyway; a separate origin request policy would only duplicate them.
    expect(distribution.default_cache_behavior.origin_request_policy_id).toBeUndefined();
    expect(distribution.default_cache_behavior.allowed_methods).toEqual(['GET', 'HEAD', 'OPTIONS']);
    expect(distribution).toMatchObject({ enabled: true, http_version: 'http2and3', restrictions: { geo_restriction: { restriction_type: 'none' } } });
    expect(distribution.web_acl_id).toBeUndefined();
    expect(distribution.price_class).toBe(env.assets.priceClass);
    expect(distribution.is_ipv6_enabled).toBe(env.domain.ipv6);
  });

  test.each(ENVS)('$name: CORS answers are cached per Origin, so one app origin never gets another\'s Access-Control-Allow-Origin', (env) => {
    const policy = onlyResource(json(env), 'aws_cloudfront_cache_policy');
    const key = policy.parameters_in_cache_key_and_forwarded_to_origin;
    expect(key.headers_config).toEqual({ header_behavior: 'whitelist', headers: { items: CORS_CACHE_KEY_HEADERS } });
    expect(CORS_CACHE_KEY_HEADERS).toContain('Origin');
    // Nothing else varies the cache (cookies and query strings would split it for no reason).
    expect(key).toMatchObject({ cookies_config: { cookie_behavior: 'none' }, query_strings_config: { query_string_behavior: 'none' }, enable_accept_encoding_gzip: true, enable_accept_encoding_brotli: true });
    expect(policy).toMatchObject({ min_ttl: 1, default_ttl: 86400, max_ttl: 31536000 });
  });

  test.each(ENVS)('$name: a response headers policy with two-year HSTS is attached', (env) => {
    const j = json(env);
    const [name, policy] = resourcesOf(j, 'aws_cloudfront_response_headers_policy')[0];
    expect(policy.security_headers_config.strict_transport_security).toEqual({
      access_control_max_age_sec: HSTS_MAX_AGE_SECONDS,
      include_subdomains: true,
      preload: true,
      override: true,
    });
    expect(policy.security_headers_config).toMatchObject({
      content_type_options: { override: true },
      frame_options: { frame_option: 'DENY', override: true },
      referrer_policy: { referrer_policy: 'strict-origin-when-cross-origin', override: true },
    });
    expect(onlyResource(j, 'aws_cloudfront_distribution').default_cache_behavior.response_headers_policy_id).toBe(`\${aws_cloudfront_response_headers_policy.${name}.id}`);
  });

  test('access logs: standard logging v2 in prod (vended delivery through us-east-1) to a private, ACL-less log bucket; off in staging', () => {
    const p = json(prod);
    const [distribution] = resourcesOf(p, 'aws_cloudfront_distribution')[0];
    const [logLogical] = bucketNamed(p, globalBucketName(prod, 'cdn-logs'));
    // The legacy ACL-based logging is gone: no logging_config, and the bucket is BucketOwnerEnforced like every other.
    expect(onlyResource(p, 'aws_cloudfront_distribution').logging_config).toBeUndefined();
    expect(attached(p, 'aws_s3_bucket_ownership_controls', logLogical)[0].rule.object_ownership).toBe('BucketOwnerEnforced');
    expect(attached(p, 'aws_s3_bucket_public_access_block', logLogical)[0]).toMatchObject({ block_public_acls: true, restrict_public_buckets: true });
    // CloudFront developer guide, "Configure standard logging (v2)": source ACCESS_LOGS of the distribution,
    // an S3 destination, a delivery, all through the us-east-1 API whatever the bucket's region.
    const [sourceName, source] = resourcesOf(p, 'aws_cloudwatch_log_delivery_source')[0];
    expect(source).toEqual({ provider: 'aws.us_east_1', name: 'webapp-prod-cdn-access-logs', log_type: 'ACCESS_LOGS', resource_arn: `\${aws_cloudfront_distribution.${distribution}.arn}` });
    const [destinationName, destination] = resourcesOf(p, 'aws_cloudwatch_log_delivery_destination')[0];
    expect(destination).toEqual({ provider: 'aws.us_east_1', name: 'webapp-prod-cdn-access-logs', output_format: 'w3c', delivery_destination_configuration: [{ destination_resource_arn: `\${aws_s3_bucket.${logLogical}.arn}` }] });
    const delivery = onlyResource(p, 'aws_cloudwatch_log_delivery');
    expect(delivery).toMatchObject({ provider: 'aws.us_east_1', delivery_source_name: `\${aws_cloudwatch_log_delivery_source.${sourceName}.name}`, delivery_destination_arn: `\${aws_cloudwatch_log_delivery_destination.${destinationName}.arn}` });
    // The bucket admits the delivery first, and only this account's delivery sources, under AWSLogs/<account>/.
    const [policyName, policy] = resourcesOf(p, 'aws_s3_bucket_policy').find(([, b]) => b.bucket === `\${aws_s3_bucket.${logLogical}.id}`)!;
    expect(delivery.depends_on).toContain(`aws_s3_bucket_policy.${policyName}`);
    expect(JSON.parse(policy.policy).Statement).toContainEqual({
      Sid: 'CloudFrontLogDeliveryWrites',
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `\${aws_s3_bucket.${logLogical}.arn}/AWSLogs/${prod.accountId}/*`,
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': prod.accountId }, ArnLike: { 'aws:SourceArn': `arn:aws:logs:us-east-1:${prod.accountId}:delivery-source:*` } },
    });
    const rules = attached(p, 'aws_s3_bucket_lifecycle_configuration', logLogical)[0].rule;
    expect(rules).toContainEqual(expect.objectContaining({ expiration: [{ days: 90 }] }));
    // Staging: none of it.
    expect(resourcesOf(json(staging), 'aws_cloudwatch_log_delivery_source')).toEqual([]);
    expect(resourcesOf(json(staging), 'aws_s3_bucket').map(([, b]) => b.bucket)).not.toContain(globalBucketName(staging, 'cdn-logs'));
  });

  test('no bucket of any environment accepts ACLs (the last exception to BucketOwnerEnforced is gone)', () => {
    for (const j of [json(prod), json(staging)]) {
      const owners = resourcesOf(j, 'aws_s3_bucket_ownership_controls').map(([, o]) => o.rule.object_ownership);
      expect(owners.length).toBe(resourcesOf(j, 'aws_s3_bucket').length);
      expect(new Set(owners)).toEqual(new Set(['BucketOwnerEnforced']));
    }
  });

  test('price class, IPv6 and access logs follow the config, not the shipped values', () => {
    const j = synthEnv(
      withConfig(staging, (c) => {
        c.assets.priceClass = 'PriceClass_All';
        c.assets.cdnAccessLogs = true;
        c.domain.ipv6 = false;
      }),
    );
    const distribution = onlyResource(j, 'aws_cloudfront_distribution');
    expect(distribution.price_class).toBe('PriceClass_All');
    expect(distribution.is_ipv6_enabled).toBe(false);
    expect(resourcesOf(j, 'aws_cloudwatch_log_delivery')).toHaveLength(1);
    expect(bucketNamed(j, globalBucketName(staging, 'cdn-logs'))).toBeDefined();
    // Without IPv6 the static domain gets an A record only.
    const staticRecords = resourcesOf(j, 'aws_route53_record').map(([, r]) => r).filter((r) => r.name === cdnName(staging));
    expect(staticRecords.map((r) => r.type)).toEqual(['A']);
  });
});

describe('certificates', () => {
  test.each(ENVS)('$name: regional certificate for the app names, us-east-1 certificate for CloudFront, both DNS-validated', (env) => {
    const j = json(env);
    const certs = Object.fromEntries(resourcesOf(j, 'aws_acm_certificate').map(([n, c]) => [n.split('_')[1], c]));
    expect(certs['load-balancer']).toMatchObject({ domain_name: env.domain.name, validation_method: 'DNS', lifecycle: { create_before_destroy: true } });
    // Every other name the load balancer serves: the app's aliases and the services' host names.
    expect(certs['load-balancer'].subject_alternative_names).toEqual(loadBalancerHostNames(env).slice(1));
    expect(certs['load-balancer'].subject_alternative_names).toEqual(expect.arrayContaining(env.domain.appAliases.map((a) => `${a}.${env.domain.name}`)));
    expect(certs['load-balancer'].provider).toBeUndefined();
    expect(certs.cdn).toMatchObject({ domain_name: cdnName(env), validation_method: 'DNS', provider: 'aws.us_east_1', lifecycle: { create_before_destroy: true } });
    // The us-east-1 provider is the aliased one, with the same default tags as the main provider.
    const providers = j.provider.aws;
    const usEast1 = providers.find((p: any) => p.alias === 'us_east_1');
    expect(usEast1.region).toBe('us-east-1');
    expect(usEast1.default_tags).toEqual(providers.find((p: any) => !p.alias).default_tags);
  });

  test.each(ENVS)('$name: validation waits on Route53 records made from the certificate, in the certificate\'s region', (env) => {
    const j = json(env);
    const validations = Object.fromEntries(resourcesOf(j, 'aws_acm_certificate_validation').map(([n, v]) => [n.split('_')[1], v]));
    expect(validations['cdn-validation'].provider).toBe('aws.us_east_1');
    expect(validations['load-balancer-validation'].provider).toBeUndefined();
    for (const [kind, v] of Object.entries(validations)) {
      const cert = kind.replace('-validation', '');
      expect(v.certificate_arn).toMatch(new RegExp(`aws_acm_certificate\\.certificates_${cert}_\\w+\\.arn`));
      expect(v.validation_record_fqdns).toMatch(new RegExp(`aws_route53_record\\.dns_${cert}-validation_\\w+`));
      const [, records] = resourcesOf(j, 'aws_route53_record').find(([n]) => n.startsWith(`dns_${cert}-validation_`))!;
      // The set itself, keyed by domain name: tolist() would make the keys unknown at plan time
      // for a certificate with several names (prod: apex + www).
      expect(records.for_each).toMatch(new RegExp(`^\\$\\{\\{ for dvo in aws_acm_certificate\\.certificates_${cert}_\\w+\\.domain_validation_options : dvo\\.domain_name => dvo \\}\\}$`));
      expect(records).toMatchObject({ ttl: 60, allow_overwrite: true, name: '${each.value.resource_record_name}' });
    }
  });
});

describe('DNS', () => {
  test.each(ENVS)('$name: the zone is looked up by name', (env) => {
    const zones = dataOf(json(env), 'aws_route53_zone');
    expect(zones.map(([, z]) => z)).toEqual([{ name: 'example.com', private_zone: false }]);
    expect(resourcesOf(json(env), 'aws_route53_zone')).toEqual([]);
  });

  test.each(ENVS)('$name: A and AAAA aliases for the static domain to CloudFront; A only for the app names to the IPv4 ALB', (env) => {
    const records = resourcesOf(json(env), 'aws_route53_record').map(([, r]) => r).filter((r) => r.alias);
    const staticRecords = records.filter((r) => r.name === cdnName(env));
    expect(staticRecords.map((r) => r.type).sort()).toEqual(env.domain.ipv6 ? ['A', 'AAAA'] : ['A']);
    // Route53 cannot evaluate the health of a CloudFront target: AWS requires false there.
    staticRecords.forEach((r) => expect(r.alias).toMatchObject({ name: expect.stringContaining('aws_cloudfront_distribution'), evaluate_target_health: false }));
    for (const host of [env.domain.name, ...env.domain.appAliases.map((a) => `${a}.${env.domain.name}`)]) {
      const app = records.filter((r) => r.name === host);
      expect(app.map((r) => r.type)).toEqual(['A']);
      expect(app[0].alias).toMatchObject({ name: expect.stringMatching(/aws_lb\..*\.dns_name/), evaluate_target_health: true });
    }
  });

  test('create mode: the stack owns the zone and outputs its name servers', () => {
    const j = synthEnv(withConfig(staging, (c) => (c.domain.dns = { zoneMode: 'create', exportRecords: false })));
    expect(dataOf(j, 'aws_route53_zone')).toEqual([]);
    const [zoneName, zone] = resourcesOf(j, 'aws_route53_zone')[0];
    expect(zone.name).toBe('staging.example.com');
    resourcesOf(j, 'aws_route53_record').forEach(([, r]) => expect(r.zone_id).toBe(`\${aws_route53_zone.${zoneName}.zone_id}`));
    expect(j.output?.route53_name_servers.value).toBe(`\${aws_route53_zone.${zoneName}.name_servers}`);
  });

  test('external mode: no Route53 at all; validation CNAMEs and alias targets are outputs', () => {
    const j = synthEnv(withConfig(prod, (c) => (c.domain.dns = { zoneMode: 'external', exportRecords: true })));
    expect(dataOf(j, 'aws_route53_zone')).toEqual([]);
    expect(Object.keys(j.resource).filter((t) => t.startsWith('aws_route53'))).toEqual([]);
    const outputs = j.output!;
    expect(outputs).not.toHaveProperty('route53_zone_id');
    expect(Object.keys(outputs).filter((n) => n.startsWith('dns_validation_')).sort()).toEqual(['dns_validation_cdn', 'dns_validation_load_balancer']);
    expect(outputs.dns_validation_cdn.value).toMatch(/aws_acm_certificate\.certificates_cdn_\w+\.domain_validation_options/);
    expect(Object.keys(outputs).filter((n) => n.startsWith('dns_record_')).sort()).toEqual(['dns_record_app_api_example_com', 'dns_record_app_example_com', 'dns_record_app_www_example_com', 'dns_record_email_dkim', 'dns_record_email_dmarc', 'dns_record_email_mail_from', 'dns_record_static']);
    expect(outputs.dns_record_static.value).toEqual(expect.objectContaining({ name: 'static.example.com', target: expect.stringContaining('aws_cloudfront_distribution') }));
    // Validation still waits (for the records the user creates), without record FQDNs.
    resourcesOf(j, 'aws_acm_certificate_validation').forEach(([, v]) => expect(v.validation_record_fqdns).toBeUndefined());
  });
});

describe('outputs', () => {
  test.each(ENVS)('$name: bucket names, CloudFront domain and id, certificate ARNs, zone id', (env) => {
    const outputs = json(env).output!;
    expect(outputs.static_bucket_name.value).toMatch(/aws_s3_bucket\.assets_static_/);
    expect(outputs.media_bucket_name.value).toMatch(/aws_s3_bucket\.assets_media_/);
    expect(outputs.cdn_domain_name.value).toBe(cdnName(env));
    expect(outputs.cloudfront_distribution_id.value).toMatch(/aws_cloudfront_distribution\..*\.id/);
    expect(outputs.cloudfront_domain_name.value).toMatch(/aws_cloudfront_distribution\..*\.domain_name/);
    expect(outputs.load_balancer_certificate_arn.value).toMatch(/aws_acm_certificate_validation\.certificates_load-balancer-validation/);
    expect(outputs.cdn_certificate_arn.value).toMatch(/aws_acm_certificate_validation\.certificates_cdn-validation/);
    expect(outputs.route53_zone_id.value).toMatch(/data\.aws_route53_zone\..*\.zone_id/);
  });
});

describe('edge config errors', () => {
  test.each([
    ['malformed domain', (c: EnvironmentConfig) => (c.domain.name = 'Example..com'), 'domain.name', /lowercase DNS name/],
    ['domain with a scheme', (c: EnvironmentConfig) => (c.domain.name = 'https://example.com'), 'domain.name', /lowercase DNS name/],
    ['external DNS without the outputs', (c: EnvironmentConfig) => (c.domain.dns = { zoneMode: 'external', exportRecords: false }), 'domain.dns.exportRecords', /set it to true/],
  ])('%s', (_label, change, field, fix) => {
    expectRejected(withConfig(staging, change), field, fix);
  });
});
