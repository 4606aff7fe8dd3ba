// Unsigned ID tokens shaped like the Auth emulator's (`alg: none`, empty signature).

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An Auth-emulator-style ID token for `uid`, with `claims` merged over the usual ones. */
export function emulatorIdToken(
  uid: string,
  claims: Record<string, unknown> = {},
  projectId = "demo-test",
): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: `https://securetoken.google.com/${projectId}`,
    aud: projectId,
    auth_time: now,
    user_id: uid,
    sub: uid,
    iat: now,
    exp: now + 3600,
    email: `${uid}@example.test`,
    email_verified: true,
    firebase: { identities: { email: [`${uid}@example.test`] }, sign_in_provider: "password" },
    ...claims,
  };
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(payload)}.`;
}
