// Data Connect's naming rules (spec §2.4): snake_case tables and columns, lowerCamel singulars,
// naive English plurals ("metadata" → "metadatas", as the official generator does).

/** `MovieMetadata` → `movie_metadata`, `HTTPLog` → `http_log`, `createdAt` → `created_at`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

/** `MovieMetadata` → `movieMetadata`. */
export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** `uid` → `Uid`. */
export function upperFirst(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** English plural as Data Connect forms it: `category` → `categories`, `box` → `boxes`, else `+s`. */
export function pluralize(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}
