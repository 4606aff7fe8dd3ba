// ID tokens shaped like the Auth emulator's: unsigned JWTs (`alg: none`, empty signature) with the
// claims firebase-tools' Auth emulator puts in them, for `X-Firebase-Auth-Token`.

const PROJECT = "demo-rookery";
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const HEADER = b64url({ alg: "none", typ: "JWT" });

/** An Auth-emulator-shaped ID token for `uid` (valid for an hour from `nowS`). */
export function emulatorIdToken(uid: string, nowS = Math.floor(Date.now() / 1000)): string {
  const email = `${uid}@rookery.test`;
  return `${HEADER}.${b64url({
    name: uid,
    email,
    email_verified: true,
    auth_time: nowS,
    user_id: uid,
    firebase: { identities: { email: [email] }, sign_in_provider: "password" },
    iat: nowS,
    exp: nowS + 3600,
    aud: PROJECT,
    iss: `https://securetoken.google.com/${PROJECT}`,
    sub: uid,
  })}.`;
}
