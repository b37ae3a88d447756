/**
 * The Electron binding of the contract: every invoke channel on ipcMain.handle, every core event
 * to the window. The only file that touches ipcMain.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { INVOKE_CHANNELS, type EventChannel } from '../../shared/contract.js';
import { createDispatcher, type DispatchOptions } from './ipc-dispatch.js';

/**
 * Only the main frame of our own window may call; a subframe (there should be none) or a frame
 * that has gone away gets a null URL and is refused by the dispatcher.
 */
function senderUrl(event: IpcMainInvokeEvent, ours: () => WebContents | null): string | null {
  const frame = event.senderFrame;
  if (frame === null || frame.parent !== null) return null;
  if (event.sender !== ours()) return null;
  return frame.url;
}

/** Registers one handler per channel; returns a function that removes them all. */
export function bindIpc(options: DispatchOptions & { webContents: () => WebContents | null }): () => void {
  const dispatch = createDispatcher(options);
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, request: unknown) => dispatch(channel, senderUrl(event, options.webContents), request));
  }
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}

/** Sends each core event to the window while it exists; events while it is closed are dropped. */
export function forwardEvents(
  subscribe: (listener: (event: { channel: EventChannel; payload: unknown }) => void) => () => void,
  webContents: () => WebContents | null,
): () => void {
  return subscribe(({ channel, payload }) => {
    const target = webContents();
    if (target !== null && !target.isDestroyed()) target.send(channel, payload);
  });
}
