// A person's picture, or their initials on a colour derived from their uid.

/** A round avatar of `size` pixels; decorative (the name is always shown beside it). */
export function Avatar({
  name,
  uid,
  url,
  size = 44,
}: {
  name: string;
  uid: string;
  url?: string | null;
  size?: number;
}) {
  const style = { width: size, height: size, fontSize: size * 0.4 };
  if (url && /^https:\/\//.test(url)) {
    return (
      <img className="avatar" src={url} alt="" style={style} loading="lazy" referrerPolicy="no-referrer" />
    );
  }
  return (
    <span className="avatar" aria-hidden="true" style={{ ...style, background: `hsl(${hue(uid)} 45% 38%)` }}>
      {initials(name)}
    </span>
  );
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? "?") + (words.length > 1 ? (words.at(-1)?.[0] ?? "") : "")).toUpperCase();
}

function hue(seed: string): number {
  let h = 0;
  for (const char of seed) h = (h * 31 + char.charCodeAt(0)) % 360;
  return h;
}
