// Post text is Markdown, rendered to React elements, never to an HTML string. Raw HTML in a post shows
// as the text its author typed; the sanitizer (rehype-sanitize, GitHub's allow-list) removes any
// element or attribute that is not plain formatting; links keep only safe protocols (http, https,
// mailto), open in a new tab without the opener, and are marked user content; images show as links
// (no tracking pixels); headings become bold lines so a post never adds to the page's outline.
// `#hashtags` and `@mentions` in the text become links to their pages inside the app (links, code and
// the text of links are left alone).
import type { ReactNode } from "react";
import type { Components } from "react-markdown";
import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import { Link, useInRouterContext } from "react-router";
import rehypeSanitize from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import { splitSocialText, tagPath } from "../hashtags/tags.ts";

interface MdNode {
  type: string;
  value?: string;
  url?: string;
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

/**
 * Turns `#tag` and `@username` in text into links to /tag/<tag> and /u/<username>. They are Markdown
 * link nodes, so the sanitizer and `safeUrl` see them like any other link; only text is split (never a
 * link's text, code, or an autolinked URL or email address, which are link nodes already).
 */
export function remarkSocialLinks() {
  const walk = (node: MdNode) => {
    if (!node.children || node.type === "link" || node.type === "linkReference") return;
    node.children = node.children.flatMap((child): MdNode[] => {
      if (child.type !== "text" || !child.value) {
        walk(child);
        return [child];
      }
      return splitSocialText(child.value).map((piece) =>
        piece.kind === "text"
          ? { type: "text", value: piece.text }
          : {
              type: "link",
              url: piece.kind === "hashtag" ? tagPath(piece.tag) : `/u/${encodeURIComponent(piece.username)}`,
              children: [{ type: "text", value: piece.text }],
            },
      );
    });
  };
  return (tree: MdNode) => walk(tree);
}

/** Whether `href` is one of the app's own tag or profile pages (opened in place, not in a new tab). */
export function isAppLink(href: string): boolean {
  return /^\/(tag|u)\/[^/?#\s\\]+$/.test(href);
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

/** A link in a post: the app's own pages in place (through the router when there is one), others in a new tab. */
function PostLink({ href, children }: { href?: string; children?: ReactNode }) {
  const routed = useInRouterContext();
  if (href && isAppLink(href)) {
    return routed ? <Link to={href}>{children}</Link> : <a href={href}>{children}</a>;
  }
  return href ? (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow ugc">
      {children}
    </a>
  ) : (
    <span>{children}</span>
  );
}

const components: Components = {
  a: ({ href, children }) => <PostLink href={href}>{children}</PostLink>,
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
        remarkPlugins={[remarkGfm, remarkHtmlAsText, remarkSocialLinks]}
        rehypePlugins={[rehypeSanitize]}
        urlTransform={safeUrl}
        components={components}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}
