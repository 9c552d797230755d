import type { ServerResponse } from "node:http";

/** What Express's `response.status(status).json(body)` sends, on a plain Node response. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader("Content-Type", "application/json; charset=utf-8");
  response.setHeader("Content-Length", Buffer.byteLength(text));
  response.end(text);
}

/** Adds `field` to the response's Vary header (as Express's `response.vary`). */
export function varyOn(response: ServerResponse, field: string): void {
  const current = response.getHeader("Vary");
  if (current === undefined) return void response.setHeader("Vary", field);
  const value = Array.isArray(current) ? current.join(", ") : String(current);
  const fields = value.split(",").map((part) => part.trim().toLowerCase());
  if (fields.includes("*") || fields.includes(field.toLowerCase())) return;
  response.setHeader("Vary", value ? `${value}, ${field}` : field);
}
