"""moto server plus the EC2 account settings and the Lambda URL listing
moto 5.2 lacks, and two answers it gets wrong.

moto answers GetSnapshotBlockPublicAccessState, GetImageBlockPublicAccessState,
GetSerialConsoleAccessStatus, GetInstanceMetadataDefaults and
GetEbsDefaultKmsKeyId (and their Enable/Disable/Modify/Reset writes) with a 500, which
the SDK retries for seconds in every scan. This adds them to moto's EC2
responses, keeping state per account and region on moto's own EC2 backend; the
XML comes from moto's serializer, i.e. from the botocore service model, as for
every other EC2 answer. ListFunctionUrlConfigs (one call per function for
every URL, aliases included) is answered from the one URL config moto keeps
per function. AssumeRole into an organization member's role that does not exist is
refused, as AWS refuses it. IAM Roles Anywhere, which moto lacks entirely, is answered
by a small in-memory service (trust anchors and profiles: create, list,
update, enable, disable, delete) in front of moto, chosen by the SigV4
credential scope as moto itself chooses. GetBucketVersioning is answered
with AWS's root element (`VersioningConfiguration`; moto's serializer names
it after the operation, which the Rust SDK refuses), GetBucketPolicyStatus
(absent from moto) is answered from the bucket policy, and the credential
report gets the `<root_account>` row every AWS report starts with (moto
lists only users). S3 Control's answers get AWS's root element
(`ListAccessPointsResult`, `GetAccessPointResult`; moto names them
`...Response`, which the Rust SDK refuses), and GetAccessPointPolicyStatus
judges the access point's policy as GetBucketPolicyStatus does (moto calls
every policy public). StartInstances sets a new LaunchTime and user data
changes only on a stopped instance, as in AWS (moto keeps the first launch
time and lets user data change at any time).
Starts exactly like `moto_server` (same arguments).

The defaults are those of an account created before AWS turned image block
public access on for new accounts: everything unblocked, serial console off,
no instance metadata defaults, the AWS-managed EBS key.
"""

import datetime
import json
import re
import sys
import uuid
from urllib.parse import unquote

import moto.awslambda.urls as lambda_urls
from moto.awslambda.responses import LambdaResponse
from moto.iam.models import IAMBackend
from moto.s3.responses import S3Response
from moto.s3control.responses import S3ControlResponse

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.instances import Instance, InstanceBackend
from moto.ec2.responses.settings import Settings
from moto.iam.models import get_account_id_from, iam_backends
from moto.organizations.models import organizations_backends
from moto.sts.exceptions import STSClientError
from moto.sts.models import STSBackend
from moto.utilities.utils import get_partition
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
from moto.server import main

DEFAULTS = {
    "snapshot_bpa": "unblocked",
    "image_bpa": "unblocked",
    "serial_console": False,
    "metadata_defaults": {},
}


def _state(resp):
    backend = resp.ec2_backend
    if not hasattr(backend, "_driftwatch_settings"):
        backend._driftwatch_settings = dict(DEFAULTS, metadata_defaults={})
    return backend._driftwatch_settings


def get_snapshot_block_public_access_state(self):
    return ActionResult({"State": _state(self)["snapshot_bpa"], "ManagedBy": "account"})


def enable_snapshot_block_public_access(self):
    _state(self)["snapshot_bpa"] = self._get_param("State")
    return ActionResult({"State": _state(self)["snapshot_bpa"]})


def disable_snapshot_block_public_access(self):
    _state(self)["snapshot_bpa"] = "unblocked"
    return ActionResult({"State": "unblocked"})


def get_image_block_public_access_state(self):
    return ActionResult(
        {"ImageBlockPublicAccessState": _state(self)["image_bpa"], "ManagedBy": "account"}
    )


def enable_image_block_public_access(self):
    _state(self)["image_bpa"] = self._get_param("ImageBlockPublicAccessState")
    return ActionResult({"ImageBlockPublicAccessState": _state(self)["image_bpa"]})


def disable_image_block_public_access(self):
    _state(self)["image_bpa"] = "unblocked"
    return ActionResult({"ImageBlockPublicAccessState": "unblocked"})


def get_serial_console_access_status(self):
    return ActionResult(
        {"SerialConsoleAccessEnabled": _state(self)["serial_console"], "ManagedBy": "account"}
    )


def enable_serial_console_access(self):
    _state(self)["serial_console"] = True
    return ActionResult({"SerialConsoleAccessEnabled": True})


def disable_serial_console_access(self):
    _state(self)["serial_console"] = False
    return ActionResult({"SerialConsoleAccessEnabled": False})


def get_instance_metadata_defaults(self):
    return ActionResult({"AccountLevel": _state(self)["metadata_defaults"]})


def modify_instance_metadata_defaults(self):
    d = _state(self)["metadata_defaults"]
    for key in ["HttpTokens", "HttpEndpoint", "InstanceMetadataTags"]:
        value = self._get_param(key)
        if value == "no-preference":
            d.pop(key, None)
        elif value:
            d[key] = value
    hops = self._get_int_param("HttpPutResponseHopLimit")
    if hops == -1:
        d.pop("HttpPutResponseHopLimit", None)
    elif hops is not None:
        d["HttpPutResponseHopLimit"] = hops
    return ActionResult({"Return": True})


def get_ebs_default_kms_key_id(self):
    # moto keeps the key ModifyEbsDefaultKmsKeyId set (it has that call);
    # unset, AWS names its managed key by alias.
    b = self.ec2_backend
    arn = b.default_kms_key_id or f"arn:aws:kms:{b.region_name}:{b.account_id}:alias/aws/ebs"
    return ActionResult({"KmsKeyId": arn})


def reset_ebs_default_kms_key_id(self):
    self.ec2_backend.default_kms_key_id = ""
    return get_ebs_default_kms_key_id(self)


def list_function_url_configs(self):
    name = unquote(self.path.split("/")[-2])
    fn = self.backend.get_function(name, None)
    configs = [fn.url_config.to_dict()] if fn.url_config else []
    return 200, {"status": 200}, json.dumps({"FunctionUrlConfigs": configs})


LambdaResponse.list_function_url_configs = list_function_url_configs
lambda_urls.url_paths[
    r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)/urls/?$"
] = LambdaResponse.dispatch


def _get_bucket_versioning(self):
    status = self.backend.get_bucket_versioning(self.bucket_name)
    inner = f"<Status>{status}</Status>" if status else ""
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration '
            f'xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{inner}</VersioningConfiguration>')
    return 200, {"Content-Type": "application/xml"}, body


S3Response.get_bucket_versioning = _get_bucket_versioning

_bucket_get = S3Response._bucket_response_get


def _bucket_get_with_policy_status(self, bucket_name, querystring):
    """GetBucketPolicyStatus, which moto lacks: public when an Allow
    statement names every principal without any condition (AWS's own test
    also weighs condition values; the seeds need only this much)."""
    if "policyStatus" not in querystring:
        return _bucket_get(self, bucket_name, querystring)
    policy = self.backend.get_bucket_policy(bucket_name)
    if not policy:
        from moto.s3.exceptions import NoSuchBucketPolicy
        raise NoSuchBucketPolicy(bucket_name=bucket_name)
    public = _is_public(policy)
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<PolicyStatus '
            f'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsPublic>{str(public).lower()}</IsPublic>'
            '</PolicyStatus>')
    return 200, {"Content-Type": "application/xml"}, body


S3Response._bucket_response_get = _bucket_get_with_policy_status


def _is_public(policy):
    """AWS's verdict on a policy, as far as the seeds need it: public when
    an Allow statement names every principal without any condition."""
    statements = json.loads(policy).get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    star = lambda p: p == "*" or (isinstance(p, dict) and p.get("AWS") in ("*", ["*"]))
    return any(st.get("Effect") == "Allow" and star(st.get("Principal")) and not st.get("Condition")
               for st in statements)


_S3CONTROL_NS = "http://awss3control.amazonaws.com/doc/2018-08-20/"


_s3control_serialized = S3ControlResponse.serialized


def _s3control_result_root(self, result):
    """S3 Control answers name their root after the operation's result
    (`ListAccessPointsResult`, `GetAccessPointResult`, ...) in AWS's API
    reference; moto's serializer names it `...Response`, which the Rust SDK
    refuses. Errors keep their own root."""
    status, headers, body = _s3control_serialized(self, result)
    text = body.decode() if isinstance(body, bytes) else body
    m = re.search(r"<(\w+)Response[ >]", text or "")
    if m and not m.group(1).startswith("Error"):
        name = m.group(1)
        text = text.replace(f"<{name}Response", f"<{name}Result", 1)
        text = text.replace(f"</{name}Response>", f"</{name}Result>", 1)
        body = text
    return status, headers, body


def _access_point_policy_status(self):
    """GetAccessPointPolicyStatus judged from the policy, as for buckets."""
    policy = self.backend.get_access_point_policy(self._get_param("AccountId"), self._get_param("Name"))
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<GetAccessPointPolicyStatusResult xmlns="{_S3CONTROL_NS}">'
            f"<PolicyStatus><IsPublic>{str(_is_public(policy)).lower()}</IsPublic></PolicyStatus>"
            "</GetAccessPointPolicyStatusResult>")
    return 200, {"Content-Type": "application/xml"}, body


S3ControlResponse.serialized = _s3control_result_root
S3ControlResponse.get_access_point_policy_status = _access_point_policy_status

_credential_report = IAMBackend.get_credential_report


def _credential_report_with_root(self):
    header, _, users = _credential_report(self).partition("\n")
    # The root user of an account made by AssumeRole: no password, no keys, no MFA.
    root = (f"<root_account>,arn:aws:iam::{self.account_id}:root,2020-01-01T00:00:00+00:00,"
            "not_supported,no_information,not_supported,not_supported,false,"
            "false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")
    return f"{header}\n{root}\n{users}"


IAMBackend.get_credential_report = _credential_report_with_root


# IAM Roles Anywhere (REST-JSON): {(account, region, kind): {id: detail}}.
_RA = {}
_RA_KINDS = {"trustanchor": ("trustAnchor", "trust-anchor"), "profile": ("profile", "profile")}


def _ra_reply(start_response, status, body):
    data = json.dumps(body).encode()
    start_response(f"{status} X", [("Content-Type", "application/json"),
                                   ("Content-Length", str(len(data)))])
    return [data]


def _ra_create(account, region, kind, body):
    key, arn_kind = _RA_KINDS[kind]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    rid = str(uuid.uuid4())
    item = dict(body, enabled=body.get("enabled", False), createdAt=now, updatedAt=now)
    item[key + "Id"] = rid
    item[key + "Arn"] = f"arn:aws:rolesanywhere:{region}:{account}:{arn_kind}/{rid}"
    item.pop("tags", None)
    _RA.setdefault((account, region, kind), {})[rid] = item
    return item


def rolesanywhere(environ, start_response):
    key_id, _, region = environ["HTTP_AUTHORIZATION"].split("Credential=")[1].split("/")[:3]
    account = get_account_id_from(key_id)
    method = environ["REQUEST_METHOD"]
    size = int(environ.get("CONTENT_LENGTH") or 0)
    body = json.loads(environ["wsgi.input"].read(size) or b"{}")
    parts = [p for p in environ["PATH_INFO"].split("/") if p]
    kind = parts[0].rstrip("s") if parts else ""
    if kind not in _RA_KINDS:
        return _ra_reply(start_response, 404, {"message": "not emulated"})
    key = _RA_KINDS[kind][0]
    items = _RA.setdefault((account, region, kind), {})
    if len(parts) == 1 and method == "GET":
        return _ra_reply(start_response, 200, {key + "s": list(items.values())})
    if len(parts) == 1 and method == "POST":
        return _ra_reply(start_response, 201, {key: _ra_create(account, region, kind, body)})
    item = items.get(parts[1])
    if item is None:
        return _ra_reply(start_response, 404, {"message": "ResourceNotFoundException"})
    action = parts[2] if len(parts) > 2 else method
    if action == "DELETE":
        del items[parts[1]]
    elif action in ("enable", "disable"):
        item["enabled"] = action == "enable"
    elif action == "PATCH":
        item.update(body)
    return _ra_reply(start_response, 200, {key: item})


_assume_role = STSBackend.assume_role


def _assume_role_as_aws_would(self, region_name, role_session_name, role_arn, *args, **kwargs):
    """AssumeRole into a role that does not exist is AccessDenied, as in
    AWS, for accounts of an organization (moto lets any role be assumed,
    which the tests' own account switching relies on elsewhere)."""
    account = role_arn.split(":")[4]
    if account in organizations_backends.master_accounts:
        name = role_arn.split(":role/", 1)[-1].split("/")[-1]
        iam = iam_backends[account][get_partition(region_name)]
        if not any(r.name == name for r in iam.roles.values()):
            raise STSClientError(
                "AccessDenied",
                f"User is not authorized to perform: sts:AssumeRole on resource: {role_arn}")
    return _assume_role(self, region_name, role_session_name, role_arn, *args, **kwargs)


STSBackend.assume_role = _assume_role_as_aws_would

_start_instance = Instance.start


def _start_launches_anew(self):
    """StartInstances sets LaunchTime anew, as AWS does (DescribeInstances:
    "the time that the instance was last launched"); moto keeps the first."""
    previous = _start_instance(self)
    if previous.name != "running":
        self.launch_time = utcnow()
    return previous


Instance.start = _start_launches_anew
_modify_instance_attribute = InstanceBackend.modify_instance_attribute


def _modify_user_data_only_stopped(self, instance_id, key, value):
    """User data can be modified only while the instance is stopped, as in
    AWS ("Work with instance user data"); moto changes it at any time."""
    if key == "user_data" and self.get_instance(instance_id).state != "stopped":
        raise EC2ClientError(
            "IncorrectInstanceState",
            f"The instance '{instance_id}' is not in the 'stopped' state.")
    return _modify_instance_attribute(self, instance_id, key, value)


InstanceBackend.modify_instance_attribute = _modify_user_data_only_stopped

_dispatch = DomainDispatcherApplication.__call__


def _call(self, environ, start_response):
    if "/rolesanywhere/aws4_request" in environ.get("HTTP_AUTHORIZATION", ""):
        return rolesanywhere(environ, start_response)
    return _dispatch(self, environ, start_response)


DomainDispatcherApplication.__call__ = _call

for _f in list(globals().values()):
    if (callable(_f) and getattr(_f, "__module__", None) == __name__
            and not _f.__name__.startswith(("_", "list_function_url", "rolesanywhere"))):
        setattr(Settings, _f.__name__, _f)

if __name__ == "__main__":
    sys.argv[0] = re.sub(r"(-script\.pyw|\.exe)?$", "", sys.argv[0])
    sys.exit(main())
