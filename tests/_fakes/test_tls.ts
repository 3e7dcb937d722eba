// The test certificate in ./tls: a private CA and a leaf for localhost and
// 127.0.0.1, valid until 2126. Test-only keys, made with openssl:
//   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 ...
// (CA: basicConstraints CA:TRUE; leaf: subjectAltName DNS:localhost,
// IP:127.0.0.1, extendedKeyUsage serverAuth).

function read(name: string): string {
  return Deno.readTextFileSync(new URL(`./tls/${name}`, import.meta.url));
}

/** The test CA's certificate (PEM), to trust in clients. */
export const TEST_CA: string = read("ca.pem");

/** The leaf certificate and key, for `serveFakeGateway`'s `tls` option. */
export const TEST_TLS: { cert: string; key: string } = {
  cert: read("server.pem"),
  key: read("server.key"),
};
