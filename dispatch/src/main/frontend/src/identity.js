// The hero identity token: kept per tab in sessionStorage, so a reload or reconnect is the same hero.
const KEY = "rollcall.token";

export function storedToken() {
  return sessionStorage.getItem(KEY);
}

// Renews the stored token (same hero) or, if it is missing, forged or expired, gets one for a new hero.
export async function fetchToken() {
  const current = storedToken();
  const response = await fetch("/api/token", {
    headers: current ? { Authorization: `Bearer ${current}` } : {},
    cache: "no-store",
  });
  if (!response.ok) throw new Error(`token request failed: HTTP ${response.status}`);
  const { token } = await response.json();
  sessionStorage.setItem(KEY, token);
  return token;
}
