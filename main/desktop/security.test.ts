import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import {
  cspHeader,
  isTrustedSender,
  navigationDecision,
  THUMBNAIL_URL_TEMPLATE,
  windowOpenDecision,
  withCsp,
} from './security.js';

const page = pathToFileURL('/opt/MediaParser/resources/app.asar/dist/renderer/index.html').href;

describe('isTrustedSender', () => {
  it('accepts our own page, with or without a hash or query', () => {
    expect(isTrustedSender(page, page)).toBe(true);
    expect(isTrustedSender(`${page}#/library`, page)).toBe(true);
    expect(isTrustedSender(`${page}?x=1`, page)).toBe(true);
  });

  it('accepts a path with spaces however it is percent-encoded', () => {
    const spaced = pathToFileURL('/home/a b/app/index.html').href;
    expect(isTrustedSender('file:///home/a%20b/app/index.html', spaced)).toBe(true);
  });

  it('refuses other local files, since every file:// page shares one origin', () => {
    expect(isTrustedSender(pathToFileURL('/tmp/evil.html').href, page)).toBe(false);
    expect(isTrustedSender(page.replace('index.html', 'other.html'), page)).toBe(false);
  });

  it('refuses remote pages, other schemes, missing and malformed URLs', () => {
    expect(isTrustedSender('https://example.com/index.html', page)).toBe(false);
    expect(isTrustedSender('mediaparser://thumb/1', page)).toBe(false);
    expect(isTrustedSender('about:blank', page)).toBe(false);
    expect(isTrustedSender('', page)).toBe(false);
    expect(isTrustedSender(null, page)).toBe(false);
    expect(isTrustedSender(undefined, page)).toBe(false);
    expect(isTrustedSender('not a url', page)).toBe(false);
  });

  it('compares origins for an http page', () => {
    expect(isTrustedSender('http://127.0.0.1:5173/files', 'http://127.0.0.1:5173/')).toBe(true);
    expect(isTrustedSender('http://127.0.0.1:5174/', 'http://127.0.0.1:5173/')).toBe(false);
    expect(isTrustedSender('http://localhost:5173/', 'http://127.0.0.1:5173/')).toBe(false);
  });
});

describe('navigation and new windows', () => {
  it('allows reloading our page and refuses everything else', () => {
    expect(navigationDecision(page, page)).toBe('allow');
    expect(navigationDecision('https://example.com/', page)).toBe('deny');
    expect(navigationDecision(pathToFileURL('/etc/passwd').href, page)).toBe('deny');
  });

  it('never opens a window, and hands only plain https links to the browser', () => {
    expect(windowOpenDecision('https://example.com/help')).toEqual({ action: 'deny', openExternally: true });
    expect(windowOpenDecision('http://example.com/')).toEqual({ action: 'deny', openExternally: false });
    expect(windowOpenDecision('file:///etc/passwd')).toEqual({ action: 'deny', openExternally: false });
    expect(windowOpenDecision('javascript:alert(1)')).toEqual({ action: 'deny', openExternally: false });
    expect(windowOpenDecision('https://user:pw@example.com/')).toEqual({ action: 'deny', openExternally: false });
    expect(windowOpenDecision('::')).toEqual({ action: 'deny', openExternally: false });
  });
});

describe('cspHeader', () => {
  const directives = new Map(
    cspHeader()
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values] as const),
  );

  it('denies by default and allows scripts only from the app itself', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(cspHeader()).not.toContain('unsafe-eval');
    expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('lets images come from the thumbnail scheme', () => {
    const scheme = THUMBNAIL_URL_TEMPLATE.split(':')[0];
    expect(directives.get('img-src')).toContain(`${scheme}:`);
  });

  it('replaces any policy the response carried, whatever its case', () => {
    const headers = withCsp({ 'content-security-policy': ["default-src *"], 'Content-Type': 'text/html' });
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['Content-Security-Policy']).toEqual([cspHeader()]);
    expect(headers['Content-Type']).toEqual(['text/html']);
    expect(withCsp(undefined)).toEqual({ 'Content-Security-Policy': [cspHeader()] });
  });
});
