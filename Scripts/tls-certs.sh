#!/usr/bin/env bash
# Certificates for the private TLS engine (engines.sh up tls), made with openssl:
#
#   tls-certs.sh DIR
#
# DIR/ca.pem, DIR/ca-key.pem          a CA (the one the engine trusts and the client trusts)
# DIR/server-cert.pem, server-key.pem the engine's certificate: SAN IP:127.0.0.1, DNS:localhost (serverAuth)
# DIR/cert.pem, DIR/key.pem           a client certificate signed by the CA (clientAuth)
# DIR/wrong-ca/ca.pem                 a second, unrelated CA (for the wrong-CA test)
# DIR/no-client/ca.pem                the right CA alone (for the missing-client-cert test)
#
# DIR is laid out as a docker certificate folder (DOCKER_CERT_PATH=DIR works with the docker CLI).
# Every run makes fresh keys; nothing outside DIR is touched.
set -euo pipefail

dir="${1:?usage: tls-certs.sh DIR}"
rm -rf "$dir"
mkdir -p "$dir/wrong-ca" "$dir/no-client"
chmod 700 "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

ossl() { openssl "$@" 2>/dev/null; }

make_ca() { # make_ca KEY CERT SUBJECT
  ossl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -keyout "$1" -out "$2" -subj "$3" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}

make_ca "$dir/ca-key.pem" "$dir/ca.pem" "/CN=swtop test CA"
make_ca "$work/wrong-ca-key.pem" "$dir/wrong-ca/ca.pem" "/CN=swtop unrelated CA"
cp "$dir/ca.pem" "$dir/no-client/ca.pem"

sign() { # sign NAME SUBJECT EXTFILE-CONTENT OUT-CERT OUT-KEY
  ossl req -newkey rsa:2048 -nodes -sha256 -keyout "$5" -out "$work/$1.csr" -subj "$2"
  printf '%s\n' "$3" >"$work/$1.ext"
  ossl x509 -req -in "$work/$1.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial \
    -CAserial "$work/ca.srl" -days 30 -sha256 -extfile "$work/$1.ext" -out "$4"
}

sign server "/CN=localhost" \
  "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature,keyEncipherment" \
  "$dir/server-cert.pem" "$dir/server-key.pem"
sign client "/CN=swtop client" \
  "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature,keyEncipherment" \
  "$dir/cert.pem" "$dir/key.pem"

chmod 600 "$dir"/*key.pem
chmod 644 "$dir/ca.pem" "$dir/cert.pem" "$dir/server-cert.pem" "$dir/wrong-ca/ca.pem" "$dir/no-client/ca.pem"
openssl verify -CAfile "$dir/ca.pem" "$dir/server-cert.pem" "$dir/cert.pem" >/dev/null
