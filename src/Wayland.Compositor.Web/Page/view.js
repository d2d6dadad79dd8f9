// The wl-headless web view: draws the frames the server sends (PNG rectangles of what changed) on the canvas and
// sends pointer and keyboard input back as small JSON messages. See src/Wayland.Compositor.Web/ViewerConnection.cs.
'use strict';
(() => {
  const token = new URLSearchParams(location.search).get('token') || '';
  // Keep the token out of the address bar and history; a reload authenticates with the cookie the server set.
  if (token) history.replaceState(null, '', location.pathname);

  const canvas = document.getElementById('screen');
  const context = canvas.getContext('2d');
  const status = document.getElementById('status');
  const rate = document.getElementById('rate');
  // Read by tests and by anyone curious: frames drawn, bytes received, whether the socket is open.
  const view = window.wlView = { frames: 0, bytes: 0, open: false, closeCode: 0, closeReason: '' };

  const url = new URL('ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = token ? '?token=' + encodeURIComponent(token) : '';
  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  const send = message => { if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message)); };

  socket.onopen = () => { view.open = true; status.textContent = 'connected'; };
  socket.onclose = event => {
    view.open = false; view.closeCode = event.code; view.closeReason = event.reason;
    status.textContent = 'disconnected' + (event.reason ? ': ' + event.reason : ' (' + event.code + ')');
  };
  socket.onmessage = event => drawFrame(event.data).catch(error => { status.textContent = 'bad frame: ' + error; socket.close(); });

  async function drawFrame(buffer) {
    const data = new DataView(buffer);
    if (data.getUint8(0) !== 1) throw new Error('unknown message type ' + data.getUint8(0));
    const count = data.getUint16(2, true);
    const width = data.getUint16(4, true);
    const height = data.getUint16(6, true);
    if (canvas.width !== width || canvas.height !== height) { canvas.width = width; canvas.height = height; }
    const tiles = [];
    let offset = 8;
    for (let i = 0; i < count; i++) {
      const x = data.getUint16(offset, true), y = data.getUint16(offset + 2, true);
      const w = data.getUint16(offset + 4, true), h = data.getUint16(offset + 6, true);
      const length = data.getUint32(offset + 8, true);
      offset += 12;
      const png = new Blob([new Uint8Array(buffer, offset, length)], { type: 'image/png' });
      tiles.push({ x, y, w, h, bitmap: createImageBitmap(png, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' }) });
      offset += length;
    }
    // Decode all, then draw all: the canvas never shows half a frame.
    const bitmaps = await Promise.all(tiles.map(tile => tile.bitmap));
    tiles.forEach((tile, i) => {
      context.clearRect(tile.x, tile.y, tile.w, tile.h);
      context.drawImage(bitmaps[i], tile.x, tile.y);
      bitmaps[i].close();
    });
    view.frames++;
    view.bytes += buffer.byteLength;
    send({ t: 'ack' });
  }

  // Frames per second and size, once a second.
  let lastFrames = 0, lastBytes = 0;
  setInterval(() => {
    const frames = view.frames - lastFrames, bytes = view.bytes - lastBytes;
    lastFrames = view.frames; lastBytes = view.bytes;
    rate.textContent = frames + ' frames/s, ' + (frames ? (bytes / frames / 1024).toFixed(1) : '0') + ' KiB/frame';
  }, 1000);

  // Pointer: positions in output pixels, whatever the canvas's displayed size.
  const position = event => {
    const box = canvas.getBoundingClientRect();
    const clamp = (value, max) => Math.min(Math.max(value, 0), max);
    return {
      x: clamp((event.clientX - box.left) * canvas.width / box.width, canvas.width),
      y: clamp((event.clientY - box.top) * canvas.height / box.height, canvas.height),
    };
  };
  let pendingMove = null;
  const flushMove = () => { if (pendingMove) { send({ t: 'move', x: pendingMove.x, y: pendingMove.y }); pendingMove = null; } };
  canvas.addEventListener('pointermove', event => {
    // One motion per animation frame at most: a fast mouse must not trip the server's rate limit.
    const first = pendingMove === null;
    pendingMove = position(event);
    if (first) requestAnimationFrame(flushMove);
  });
  canvas.addEventListener('pointerdown', event => {
    canvas.focus();
    canvas.setPointerCapture(event.pointerId);
    pendingMove = position(event); flushMove();
    send({ t: 'button', button: event.button, down: true });
    event.preventDefault();
  });
  canvas.addEventListener('pointerup', event => {
    pendingMove = position(event); flushMove();
    send({ t: 'button', button: event.button, down: false });
    event.preventDefault();
  });
  canvas.addEventListener('contextmenu', event => event.preventDefault());
  canvas.addEventListener('wheel', event => {
    // A wheel notch is 10 axis units on Wayland; browsers report about 100 pixels or 3 lines.
    const scale = event.deltaMode === 0 ? 0.1 : event.deltaMode === 1 ? 10 / 3 : 100;
    send({ t: 'scroll', dx: event.deltaX * scale, dy: event.deltaY * scale });
    event.preventDefault();
  }, { passive: false });

  // Keys by physical position (KeyboardEvent.code); the compositor's keymap makes the characters.
  const held = new Set();
  canvas.addEventListener('keydown', event => {
    event.preventDefault();
    if (event.repeat || held.has(event.code)) return;
    held.add(event.code);
    send({ t: 'key', code: event.code, down: true });
  });
  canvas.addEventListener('keyup', event => {
    event.preventDefault();
    if (!held.delete(event.code)) return;
    send({ t: 'key', code: event.code, down: false });
  });
  canvas.addEventListener('blur', () => {
    for (const code of held) send({ t: 'key', code, down: false });
    held.clear();
  });
  canvas.focus();
})();
