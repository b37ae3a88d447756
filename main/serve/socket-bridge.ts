/**
 * The contract over one WebSocket per page (/ws): `{ id, channel, request }` in, `{ id, result }`
 * out, and every core event pushed to every socket as `{ event, payload }`. The upgrade passes
 * the same gate as any HTTP request.
 */
import type { Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventChannel } from '../../shared/contract.js';
import type { AppCore } from '../library/app-core.js';
import { MAX_BODY_BYTES, type Invoke } from './api.js';
import { requestUrl, type Gate } from './auth.js';

const WS_PATH = '/ws';

/** Answers upgrades on `server` until the returned function closes every socket. */
export function bridgeSockets(server: Server, port: number, gate: Gate, core: AppCore, invoke: Invoke): () => void {
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    let url: URL;
    try {
      url = requestUrl(req, port);
    } catch {
      return reject(400, 'Bad Request');
    }
    if (url.pathname !== WS_PATH) return reject(404, 'Not Found');
    if (!gate.originAllowed(req)) return reject(403, 'Forbidden');
    if (!gate.authorized(req, url)) return reject(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('error', () => sockets.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: { id?: unknown; channel?: unknown; request?: unknown };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        return; // nothing to answer without an id
      }
      if (typeof message !== 'object' || message === null) return;
      const { id } = message;
      if (typeof id !== 'number' && typeof id !== 'string') return;
      void invoke(message.channel, message.request).then(({ result }) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
      });
    });
  });

  const unsubscribe = core.subscribe((e: { channel: EventChannel; payload: unknown }) => {
    const text = JSON.stringify({ event: e.channel, payload: e.payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  });

  return () => {
    unsubscribe();
    for (const ws of sockets) ws.close(1001, 'Server shutting down');
    for (const ws of sockets) ws.terminate();
    wss.close();
  };
}
