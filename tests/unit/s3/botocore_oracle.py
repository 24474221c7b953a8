#!/usr/bin/env python3
"""An independent SigV4 signer for tests/unit/s3/signer_oracle_test.cpp: botocore's
S3SigV4Auth (Authorization header) and S3SigV4QueryAuth (presigned URL) on an AWSRequest.

Reads one JSON request per line on standard input and writes one JSON answer per line:

  request: kind ("header" | "presign"), endpoint ("" for AWS), region, bucket, key,
           path_style, method, query [[name, value], ...], headers [[name, value], ...],
           body (text whose SHA-256 is signed, or null for UNSIGNED-PAYLOAD), access_key,
           secret_key, session_token (or null), time (Unix seconds), expires (presign)
  answer:  url (scheme://host/path, no query), host (the Host header botocore signs), and
           authorization + content_sha256 (header) or presigned_url (presign, its query
           pairs sorted with X-Amz-Signature last), or error.

The URL is built the way botocore's REST serializer builds S3 object URLs (the key
percent-encoded with safe='/~'); the addressing rules are AWS's, written here on their
own so that the C++ addressing code is checked too. botocore reads the clock when it
signs, so its clock is frozen at the request's time.
"""

import datetime
import json
import sys
import types

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.utils import percent_encode

_frozen = [datetime.datetime(1970, 1, 1)]


class _FrozenDatetime(datetime.datetime):
    """datetime.datetime whose clock reads the frozen time (naive, UTC)."""

    @classmethod
    def utcnow(cls):
        return _frozen[0]

    @classmethod
    def now(cls, tz=None):
        if tz is None:
            return _frozen[0]
        return _frozen[0].replace(tzinfo=datetime.timezone.utc).astimezone(tz)


def _freeze_botocore_clock():
    # botocore up to 1.3x calls datetime.datetime.utcnow() in botocore.auth; later
    # releases call botocore.compat.get_current_datetime() imported into botocore.auth.
    botocore.auth.datetime = types.SimpleNamespace(
        datetime=_FrozenDatetime, timezone=datetime.timezone, timedelta=datetime.timedelta
    )
    if hasattr(botocore.auth, "get_current_datetime"):

        def frozen_now(remove_tzinfo=True):
            if remove_tzinfo:
                return _frozen[0]
            return _frozen[0].replace(tzinfo=datetime.timezone.utc)

        botocore.auth.get_current_datetime = frozen_now


def _object_url(request):
    endpoint = request["endpoint"] or f"https://s3.{request['region']}.amazonaws.com"
    scheme, _, netloc = endpoint.partition("://")
    netloc = netloc.rstrip("/")
    bucket, key = request["bucket"], request["key"]
    if request["path_style"]:
        path = "/" + bucket + ("/" + key if key else "")
    else:
        netloc = bucket + "." + netloc
        path = "/" + key
    url = f"{scheme.lower()}://{netloc}{percent_encode(path, safe='/~')}"
    host = botocore.auth._host_from_url(url)
    return f"{scheme.lower()}://{host}{percent_encode(path, safe='/~')}", host


def _sorted_query_url(url):
    base, _, query = url.partition("?")
    pairs = [pair.partition("=")[::2] for pair in query.split("&")]
    signature = [pair for pair in pairs if pair[0] == "X-Amz-Signature"]
    rest = sorted(pair for pair in pairs if pair[0] != "X-Amz-Signature")
    return base + "?" + "&".join(f"{name}={value}" for name, value in rest + signature)


def _answer(request):
    _frozen[0] = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=request["time"])
    url, host = _object_url(request)
    credentials = Credentials(
        request["access_key"], request["secret_key"], request["session_token"]
    )
    answer = {"url": url, "host": host}
    if request["kind"] == "presign":
        aws_request = AWSRequest(method=request["method"], url=url, params=dict(request["query"]))
        for name, value in request["headers"]:
            aws_request.headers[name] = value
        signer = botocore.auth.S3SigV4QueryAuth(
            credentials, "s3", request["region"], expires=request["expires"]
        )
        signer.add_auth(aws_request)
        answer["presigned_url"] = _sorted_query_url(aws_request.url)
        return answer
    body = request["body"]
    aws_request = AWSRequest(
        method=request["method"],
        url=url,
        data=b"" if body is None else body.encode("utf-8"),
        params=[tuple(pair) for pair in request["query"]],
    )
    for name, value in request["headers"]:
        aws_request.headers[name] = value
    aws_request.context["client_config"] = Config(
        s3={"payload_signing_enabled": body is not None}
    )
    botocore.auth.S3SigV4Auth(credentials, "s3", request["region"]).add_auth(aws_request)
    answer["authorization"] = aws_request.headers["Authorization"]
    answer["content_sha256"] = aws_request.headers["X-Amz-Content-SHA256"]
    return answer


def main():
    _freeze_botocore_clock()
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        try:
            answer = _answer(json.loads(line.decode("utf-8")))
        except Exception as error:  # reported per request; the test names the request
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
