"""moto server plus the EC2 account settings and the Lambda URL listing
moto 5.2 lacks.

moto answers GetSnapshotBlockPublicAccessState, GetImageBlockPublicAccessState,
GetSerialConsoleAccessStatus, GetInstanceMetadataDefaults and
GetEbsDefaultKmsKeyId (and their Enable/Disable/Modify/Reset writes) with a 500, which
the SDK retries for seconds in every scan. This adds them to moto's EC2
responses, keeping state per account and region on moto's own EC2 backend; the
XML comes from moto's serializer, i.e. from the botocore service model, as for
every other EC2 answer. ListFunctionUrlConfigs (one call per function for
every URL, aliases included) is answered from the one URL config moto keeps
per function. Starts exactly like `moto_server` (same arguments).

The defaults are those of an account created before AWS turned image block
public access on for new accounts: everything unblocked, serial console off,
no instance metadata defaults, the AWS-managed EBS key.
"""

import json
import re
import sys
from urllib.parse import unquote

import moto.awslambda.urls as lambda_urls
from moto.awslambda.responses import LambdaResponse

from moto.core.responses import ActionResult
from moto.ec2.responses.settings import Settings
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

for _f in list(globals().values()):
    if (callable(_f) and getattr(_f, "__module__", None) == __name__
            and not _f.__name__.startswith(("_", "list_function_url"))):
        setattr(Settings, _f.__name__, _f)

if __name__ == "__main__":
    sys.argv[0] = re.sub(r"(-script\.pyw|\.exe)?$", "", sys.argv[0])
    sys.exit(main())
