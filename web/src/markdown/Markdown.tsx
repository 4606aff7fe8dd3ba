// Post text is Markdown, rendered to React elements, never to an HTML string. Raw HTML in a post shows
// as the text its author typed; the sanitizer (rehype-sanitize, GitHub's allow-list) removes any
// element or attribute that is not plain formatting; links keep only safe protocols (http, https,
// mailto), open in a new tab without the opener, and are marked user content; images show as links
// (no tracking pixels); headings become bold lines so a post never adds to the page's outline.
import type { Components } from "react-markdown";
import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import rehypeSanitize from "rehype-sanitize";
import remarkGfm from "remark-gfm";

interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
}

/** Turns raw HTML into text, so it shows as typed instead of being dropped or run. */
function remarkHtmlAsText() {
  const walk = (node: MdNode) => {
    for (const child of node.children ?? []) {
      if (child.type === "html") child.type = "text";
      else walk(child);
    }
  };
  return (tree: MdNode) => walk(tree);
}

const SAFE_PROTOCOL = /^(https?:|mailto:)/i;

/** Keeps http(s) and mailto links and relative ones; anything else (javascript:, data:…) becomes "". */
export function safeUrl(url: string): string {
  const cleaned = defaultUrlTransform(url);
  if (!cleaned) return "";
  if (/^[a-z][a-z0-9+.-]*:/i.test(cleaned) && !SAFE_PROTOCOL.test(cleaned)) return "";
  return cleaned;
}

const heading: Components["h1"] = ({ children }) => (
  <p className="md-heading">
    <strong>{children}</strong>
  </p>
);

const components: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow ugc">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ src, alt }) =>
    typeof src === "string" && src ? (
      <a href={src} target="_blank" rel="noopener noreferrer nofollow ugc">
        {alt || "image"}
      </a>
    ) : (
      <span>{alt}</span>
    ),
  h1: heading,
  h2: heading,
  h3: heading,
  h4: heading,
  h5: heading,
  h6: heading,
};

/** Renders a post's Markdown safely. */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={[remarkGfm, remarkHtmlAsText]}
        rehypePlugins={[rehypeSanitize]}
        urlTransform={safeUrl}
        components={components}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}
