import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export interface Certificate {
  key: string;
  cert: string;
  /** The PEM on disk, for `NODE_EXTRA_CA_CERTS` in a child process. */
  certFile: string;
}

/**
 * A fresh self-signed certificate (its own CA) for the given host names, made
 * with the `openssl` CLI. An EC key keeps generation to a few milliseconds.
 * The driver checks the name against subjectAltName, never the CN.
 */
export function createCertificate(dir: string, dnsNames: string[]): Certificate {
  const keyFile = path.join(dir, "warehouse-key.pem");
  const certFile = path.join(dir, "warehouse-cert.pem");
  fs.mkdirSync(dir, { recursive: true });
  const san = [...dnsNames.map((name) => `DNS:${name}`), "IP:127.0.0.1"].join(",");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      `subjectAltName=${san}`,
    ],
    { stdio: "pipe" },
  );
  return { key: fs.readFileSync(keyFile, "utf8"), cert: fs.readFileSync(certFile, "utf8"), certFile };
}

/**
 * The certificate in `dir`, made once: a server that must trust the warehouse
 * (NODE_EXTRA_CA_CERTS is read when a process starts) can be given the file
 * before the warehouse itself runs.
 */
export function sharedCertificate(dir: string, dnsNames: string[]): Certificate {
  const keyFile = path.join(dir, "warehouse-key.pem");
  const certFile = path.join(dir, "warehouse-cert.pem");
  if (fs.existsSync(keyFile) && fs.existsSync(certFile)) {
    return { key: fs.readFileSync(keyFile, "utf8"), cert: fs.readFileSync(certFile, "utf8"), certFile };
  }
  return createCertificate(dir, dnsNames);
}
