// The home feed as a typed (relational) Data Connect query: what a connector author can write
// without native SQL, run through the engine with executeGraphql. UUID_Filter has no lt/gt, so the
// (createdAt, id) keyset cannot be stated; `HomeFeedTyped` pages by `createdAt < T OR (createdAt = T
// AND id NOT IN <ids already shown at T>)` (exact, but the client must remember those ids);
// `HomeFeedTypedLt` by `createdAt < T` alone (skips posts tied with the cursor's timestamp).

const VISIBLE = `
      deletedAt: { isNull: true }
      _or: [
        { authorUid: { eq_expr: "auth.uid" } }
        { author: { follows_on_followee: { exist: { followerUid: { eq_expr: "auth.uid" } } } } }
      ]
      _not: {
        author: {
          _or: [
            { mutes_on_target: { exist: { userUid: { eq_expr: "auth.uid" } } } }
            { blocks_on_target: { exist: { userUid: { eq_expr: "auth.uid" } } } }
            { blocks_on_user: { exist: { targetUid: { eq_expr: "auth.uid" } } } }
          ]
        }
      }`;

const SELECTION = `{
    id content visibility createdAt editedAt replyToId repostOfId quoteOfId
    author { uid username displayName avatarUrl }
  }`;

/** Exact typed keyset: `$seenAtTime` holds the ids already shown whose createdAt equals `$beforeTime`. */
export const TYPED_EXACT = `
query HomeFeedTyped($beforeTime: Timestamp!, $seenAtTime: [UUID!]!, $limit: Int!) @auth(level: USER) {
  posts(
    where: {
      ${VISIBLE}
      _and: [{ _or: [{ createdAt: { lt: $beforeTime } }, { createdAt: { eq: $beforeTime }, id: { nin: $seenAtTime } }] }]
    }
    orderBy: [{ createdAt: DESC }, { id: DESC }]
    limit: $limit
  ) ${SELECTION}
}`;

/** Timestamp-only typed keyset: what the filter language offers directly. */
export const TYPED_LT = `
query HomeFeedTypedLt($beforeTime: Timestamp!, $limit: Int!) @auth(level: USER) {
  posts(
    where: {
      ${VISIBLE}
      createdAt: { lt: $beforeTime }
    }
    orderBy: [{ createdAt: DESC }, { id: DESC }]
    limit: $limit
  ) ${SELECTION}
}`;
