/** Name of the cookie that identifies a browser until sign-in exists. */
export const CLIENT_COOKIE = "lakebook_client";
