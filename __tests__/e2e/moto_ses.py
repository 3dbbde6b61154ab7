"""
Shim 19 of the emulator launcher (moto_launcher.py): Amazon SES v2 as the AWS provider manages it
for the email section. moto 5.2 implements identities and configuration sets only in part:

- CreateEmailIdentity / GetEmailIdentity: Easy DKIM has no tokens (the stack's three DKIM CNAMEs
  need them) and no MailFromAttributes. An identity created with DkimSigningAttributes gets three
  tokens, as SES gives (status SUCCESS: nothing verifies DNS here), and the MAIL FROM settings the
  provider wrote.
- CreateEmailIdentity tags the identity under `email-identity/<name>`, but its ARN (and what the
  provider lists tags of) is `identity/<name>`: the tags are kept under the identity's ARN.
- PutEmailIdentityMailFromAttributes: not implemented. Kept per identity.
- GetConfigurationSet: SendingOptions comes back nested in itself ({"SendingEnabled": {...}}), which
  the provider cannot read, and options never set come back empty (a plan would remove them).
  Returned as sent.
- Configuration set event destinations (Create / Get / Update / Delete): not implemented. Kept per
  configuration set, as sent.
- PutAccountSuppressionAttributes / GetAccount: not implemented. The account's suppressed reasons
  are kept; GetAccount answers like a production-access account in good standing.

Nothing here sends mail or publishes SES events: what SES would publish to the feedback topic is
not emulated (the e2e publishes an SES-shaped event to the topic itself).
"""

import json
import secrets
import time
from typing import Any

# Kept per identity or configuration set name only: each e2e emulator serves one account and region.
_mail_from: dict[str, dict[str, Any]] = {}
_event_destinations: dict[str, dict[str, dict[str, Any]]] = {}
_account = {"SuppressedReasons": []}


def patch_sesv2() -> None:
    from moto.ses.models import ConfigurationSet, EmailIdentity
    from moto.ses.utils import get_arn
    from moto.sesv2 import urls
    from moto.sesv2.models import SESV2Backend
    from moto.sesv2.responses import SESV2Response

    # The paths of the operations added below (moto routes only those it implements).
    urls.url_paths.update({
        "{0}/v2/email/account$": SESV2Response.dispatch,
        "{0}/v2/email/account/suppression$": SESV2Response.dispatch,
        "{0}/v2/email/identities/(?P<EmailIdentity>[^/]+)/mail-from$": SESV2Response.dispatch,
        "{0}/v2/email/configuration-sets/(?P<ConfigurationSetName>[^/]+)/event-destinations$": SESV2Response.dispatch,
        "{0}/v2/email/configuration-sets/(?P<ConfigurationSetName>[^/]+)/event-destinations/(?P<EventDestinationName>[^/]+)$": SESV2Response.dispatch,
    })

    original_create = SESV2Backend.create_email_identity

    def create_email_identity(self, email_identity, tags, dkim_signing_attributes, configuration_set_name):  # type: ignore[no-untyped-def]
        identity = original_create(self, email_identity, tags, dkim_signing_attributes, configuration_set_name)
        if tags:
            self.core_backend.tagger.tag_resource(arn=get_arn(self, "ses", f"identity/{email_identity}"), tags=tags)
        return identity

    SESV2Backend.create_email_identity = create_email_identity  # type: ignore[method-assign]

    original_identity_init = EmailIdentity.__init__

    def identity_init(self, email_identity, tags, dkim_signing_attributes, configuration_set_name):  # type: ignore[no-untyped-def]
        original_identity_init(self, email_identity, tags, dkim_signing_attributes, configuration_set_name)
        if isinstance(dkim_signing_attributes, dict) and "DomainSigningPrivateKey" not in dkim_signing_attributes:
            self.dkim_attributes.update({
                "Tokens": [secrets.token_hex(16) for _ in range(3)],
                "SigningAttributesOrigin": "AWS_SES",
                "Status": "SUCCESS",
                "CurrentSigningKeyLength": dkim_signing_attributes.get("NextSigningKeyLength", "RSA_2048_BIT"),
            })
            self.verified_for_sending_status = True
        # A JSON number (epoch seconds) in the API; moto writes an ISO string the SDK refuses.
        if "LastKeyGenerationTimestamp" in self.dkim_attributes:
            self.dkim_attributes["LastKeyGenerationTimestamp"] = time.time()

    EmailIdentity.__init__ = identity_init  # type: ignore[method-assign]

    original_identity_response = EmailIdentity.get_response_object.fget  # type: ignore[attr-defined]

    def identity_response(self):  # type: ignore[no-untyped-def]
        body = dict(original_identity_response(self))
        body["MailFromAttributes"] = _mail_from.get(self.email_identity, {"MailFromDomain": "", "MailFromDomainStatus": "SUCCESS", "BehaviorOnMxFailure": "USE_DEFAULT_VALUE"})
        return body

    EmailIdentity.get_response_object = property(identity_response)  # type: ignore[method-assign,assignment]

    original_v2 = ConfigurationSet.to_dict_v2

    def config_set_v2(self):  # type: ignore[no-untyped-def]
        body = original_v2(self)
        sending = body.get("SendingOptions", {}).get("SendingEnabled")
        if isinstance(sending, dict):
            body["SendingOptions"] = {"SendingEnabled": sending.get("SendingEnabled", True)}
        # Options never set are absent in SES's answer (moto returns them empty, read as blocks to remove).
        return {k: v for k, v in body.items() if v not in (None, {}, [])}

    ConfigurationSet.to_dict_v2 = config_set_v2  # type: ignore[method-assign]

    def put_email_identity_mail_from_attributes(self):  # type: ignore[no-untyped-def]
        identity = self._get_param("EmailIdentity")
        self.sesv2_backend.get_email_identity(identity)  # NotFoundException as SES
        _mail_from[identity] = {
            "MailFromDomain": self._get_param("MailFromDomain") or "",
            "MailFromDomainStatus": "SUCCESS",
            "BehaviorOnMxFailure": self._get_param("BehaviorOnMxFailure") or "USE_DEFAULT_VALUE",
        }
        return json.dumps({})

    def create_configuration_set_event_destination(self):  # type: ignore[no-untyped-def]
        name = self._get_param("ConfigurationSetName")
        self.sesv2_backend.get_configuration_set(name)
        destination = dict(self._get_param("EventDestination") or {})
        destination["Name"] = self._get_param("EventDestinationName")
        _event_destinations.setdefault(name, {})[destination["Name"]] = destination
        return json.dumps({})

    def get_configuration_set_event_destinations(self):  # type: ignore[no-untyped-def]
        name = self._get_param("ConfigurationSetName")
        self.sesv2_backend.get_configuration_set(name)
        return json.dumps({"EventDestinations": list(_event_destinations.get(name, {}).values())})

    def update_configuration_set_event_destination(self):  # type: ignore[no-untyped-def]
        name = self._get_param("ConfigurationSetName")
        destination_name = self._get_param("EventDestinationName")
        destination = dict(self._get_param("EventDestination") or {})
        destination["Name"] = destination_name
        _event_destinations.setdefault(name, {})[destination_name] = destination
        return json.dumps({})

    def delete_configuration_set_event_destination(self):  # type: ignore[no-untyped-def]
        _event_destinations.get(self._get_param("ConfigurationSetName"), {}).pop(self._get_param("EventDestinationName"), None)
        return json.dumps({})

    def put_account_suppression_attributes(self):  # type: ignore[no-untyped-def]
        _account["SuppressedReasons"] = list(self._get_param("SuppressedReasons") or [])
        return json.dumps({})

    def get_account(self):  # type: ignore[no-untyped-def]
        return json.dumps({
            "DedicatedIpAutoWarmupEnabled": False,
            "EnforcementStatus": "HEALTHY",
            "ProductionAccessEnabled": True,
            "SendingEnabled": True,
            "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 0.0},
            "SuppressionAttributes": {"SuppressedReasons": _account["SuppressedReasons"]},
        })

    for handler in (
        put_email_identity_mail_from_attributes,
        create_configuration_set_event_destination,
        get_configuration_set_event_destinations,
        update_configuration_set_event_destination,
        delete_configuration_set_event_destination,
        put_account_suppression_attributes,
        get_account,
    ):
        setattr(SESV2Response, handler.__name__, handler)
