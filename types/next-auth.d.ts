import "next-auth/jwt";

declare module "next-auth/jwt" {
  interface JWT {
    /** The server-side session (user_sessions.id): the only thing the session cookie carries. */
    sid?: string;
  }
}
