// Turns what the SDKs throw into a sentence a person can act on.

const NETWORK = /failed to fetch|networkerror|network-request-failed|load failed|ERR_INTERNET/i;

/** A short, human explanation of an error from Auth, Data Connect or a callable function. */
export function describeError(error: unknown): string {
  if (!error) return "Something went wrong. Please try again.";
  const message = errorMessage(error);
  if (NETWORK.test(message)) return "Can't reach Rookery right now. Check your connection and try again.";
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("auth/")) return authMessage(code);
  if (code === "unauthorized") return "Your session has expired. Sign in again.";
  // Callable functions: their own messages are sentences, except these codes' generic ones.
  if (code === "functions/unavailable" || code === "functions/deadline-exceeded") {
    return "Can't reach Rookery right now. Check your connection and try again.";
  }
  if (code === "functions/internal") return "Something went wrong on our side. Please try again.";
  if (code === "functions/unauthenticated") return "Your session has expired. Sign in again.";
  const serverMessage = firstServerMessage(error) ?? message;
  if (/ALREADY_EXISTS|already exists|duplicate key/i.test(serverMessage)) return "That's already done.";
  if (/PERMISSION_DENIED|UNAUTHENTICATED/.test(serverMessage)) return "You're not allowed to do that.";
  // `@check` messages are written for people: short, lower-case sentences.
  if (/^[a-z][^{}\n"]{2,120}$/.test(serverMessage)) return `${capitalize(serverMessage.replace(/\.$/, ""))}.`;
  return "Something went wrong on our side. Please try again.";
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  return String((error as { message?: unknown }).message ?? "");
}

/**
 * The message that says what failed in a GraphQL `errors` array, as a Data Connect operation error
 * carries it: in a `@transaction`, the fields that were only rolled back because another failed come
 * first ("(rolled back) …"), so the first other message is the cause.
 */
function firstServerMessage(error: unknown): string | undefined {
  const errors = (error as { response?: { errors?: { message?: unknown }[] } }).response?.errors;
  const messages = (errors ?? []).map((e) => e.message).filter((m): m is string => typeof m === "string");
  const message = messages.find((m) => !m.startsWith("(rolled back)")) ?? messages[0];
  if (typeof message === "string") return stripPrefix(message);
  // HTTP errors carry the server's message inside the SDK's message.
  const text = errorMessage(error);
  const match = /"message"\s*:\s*"([^"]+)"/.exec(text);
  return match?.[1] ? stripPrefix(match[1]) : undefined;
}

/** `@check` failures may arrive prefixed with the field path ("follow_insert: you cannot …"). */
function stripPrefix(message: string): string {
  return message.replace(/^[\w.]+:\s+/, "").trim();
}

function authMessage(code: string): string {
  switch (code) {
    case "auth/invalid-credential":
    case "auth/wrong-password":
    case "auth/user-not-found":
    case "auth/invalid-login-credentials":
      return "That email and password don't match an account.";
    case "auth/email-already-in-use":
      return "An account with that email already exists. Sign in instead.";
    case "auth/invalid-email":
      return "That doesn't look like an email address.";
    case "auth/weak-password":
    case "auth/missing-password":
      return "Choose a password of at least 6 characters.";
    case "auth/too-many-requests":
      return "Too many attempts. Wait a moment and try again.";
    case "auth/network-request-failed":
      return "Can't reach Rookery right now. Check your connection and try again.";
    default:
      return "Signing in didn't work. Please try again.";
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
