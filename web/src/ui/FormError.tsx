/** Why a form could not be sent; announced when it appears (hidden while empty). */
export function FormError({ message }: { message: string | null }) {
  return (
    <p role="alert" className="form-error">
      {message}
    </p>
  );
}
