"""A throwaway CA and a server/client certificate it signed, made with the openssl command line."""

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Certificates:
    ca: Path
    cert: Path
    key: Path


def make_certificates(directory: Path, host: str = "localhost") -> Certificates:
    ca_key, ca, key, request, cert = (directory / n for n in ("ca.key", "ca.pem", "tls.key", "tls.csr", "tls.pem"))
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *ec, "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=anpr test CA")
    _openssl("req", *ec, "-keyout", key, "-out", request, "-subj", f"/CN={host}")
    extensions = directory / "san.ext"
    extensions.write_text(f"subjectAltName=DNS:{host},IP:127.0.0.1\n")
    signing = ["-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-days", "2", "-extfile", extensions]
    _openssl("x509", "-req", "-in", request, *signing, "-out", cert)
    return Certificates(ca, cert, key)


def _openssl(*arguments: str | Path) -> None:
    subprocess.run(["openssl", *map(str, arguments)], check=True, capture_output=True)
