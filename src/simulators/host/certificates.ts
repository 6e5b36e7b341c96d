import { generateKeyPair } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecureContext, type SecureContext } from "node:tls";
import { promisify } from "node:util";

/** Certificates are valid from an hour before they are made, so a client clock a little behind still accepts them. */
const SKEW_MS = 3_600_000;

/** A DNS name or an IP literal: what a CONNECT may name and a certificate may carry. */
const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * cgsim's certificate authority: one self-signed CA per process that serves, written to a PEM file
 * clients trust (`NODE_EXTRA_CA_CERTS`, `SSL_CERT_FILE`, `REQUESTS_CA_BUNDLE`). The https listener
 * presents the CA certificate itself (it names 127.0.0.1, localhost and the real service hosts);
 * the proxy presents a leaf certificate per requested host, signed by the CA, made once per host.
 */
export class CertificateAuthority {
  /** The key pair every leaf shares (leafKeyPair). */
  #leafKey: Promise<{ privateKey: string; publicKey: string }> | undefined;
  #contexts = new Map<string, Promise<SecureContext>>();

  private constructor(
    /** PEM of the CA certificate (also the https listener's certificate). */
    readonly cert: string,
    readonly key: string,
    /** Path of the PEM file holding `cert`. */
    readonly file: string,
  ) {}

  static async create(): Promise<CertificateAuthority> {
    const { generate } = await import("selfsigned");
    const pems = await generate([{ name: "commonName", value: "cgsim local twins" }], {
      keySize: 2048,
      algorithm: "sha256",
      notBeforeDate: new Date(Date.now() - SKEW_MS),
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
        { name: "extKeyUsage", serverAuth: true },
        {
          name: "subjectAltName",
          altNames: [
            { type: 7, ip: "127.0.0.1" },
            { type: 2, value: "localhost" },
            { type: 2, value: "graph.microsoft.com" },
            { type: 2, value: "login.microsoftonline.com" },
            { type: 2, value: "*.atlassian.net" },
            { type: 2, value: "api.atlassian.com" },
            { type: 2, value: "auth.atlassian.com" },
          ],
        },
      ],
    });
    const file = join(mkdtempSync(join(tmpdir(), "cgsim-ca-")), "cgsim-ca.pem");
    writeFileSync(file, pems.cert);
    return new CertificateAuthority(pems.cert, pems.private, file);
  }

  /** Whether `hostname` may be put in a certificate (a DNS name or an IP literal). */
  static isValidHostname(hostname: string): boolean {
    return isIP(hostname) !== 0 || HOST_NAME.test(hostname);
  }

  /**
   * The key pair every leaf certificate shares, generated off the main thread on first use: an RSA
   * key takes 0.1-1 s of CPU. A proxy asks for it as it starts, so that overlaps with whatever comes
   * before the first CONNECT (a client process starting).
   */
  leafKeyPair(): Promise<{ privateKey: string; publicKey: string }> {
    this.#leafKey ??= promisify(generateKeyPair)("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    return this.#leafKey;
  }

  /** A TLS context presenting a certificate for `hostname` signed by this CA (made once per host). */
  contextFor(hostname: string): Promise<SecureContext> {
    const name = hostname.toLowerCase();
    let context = this.#contexts.get(name);
    if (!context) {
      context = this.#leaf(name).then(({ key, cert }) => createSecureContext({ key, cert }));
      this.#contexts.set(name, context);
    }
    return context;
  }

  /** Every leaf shares one key pair: a certificate per host is then a signature, not a key generation. */
  async #leaf(hostname: string): Promise<{ key: string; cert: string }> {
    const keyPair = await this.leafKeyPair();
    const { generate } = await import("selfsigned");
    const pems = await generate([{ name: "commonName", value: hostname }], {
      algorithm: "sha256",
      notBeforeDate: new Date(Date.now() - SKEW_MS),
      keyPair,
      ca: { key: this.key, cert: this.cert },
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", serverAuth: true },
        {
          name: "subjectAltName",
          altNames: [isIP(hostname) ? { type: 7, ip: hostname } : { type: 2, value: hostname }],
        },
      ],
    });
    return { key: keyPair.privateKey, cert: pems.cert };
  }
}
