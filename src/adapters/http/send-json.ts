import type { ServerResponse } from 'node:http';

/**
 * Answers with a JSON body. `closeConnection` for answers sent before the request body was read
 * whole: the rest of it is never read, so the connection cannot carry another request.
 */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, closeConnection = false): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json', ...headers, ...(closeConnection ? { connection: 'close' } : {}) });
  response.end(JSON.stringify(body));
}
