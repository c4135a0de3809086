import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    user: { id: string; name: string; email: string; role: "admin" | "member" };
    /** Seconds since epoch when the session was issued (for server-side revocation). */
    issuedAt: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    role?: "admin" | "member";
  }
}
