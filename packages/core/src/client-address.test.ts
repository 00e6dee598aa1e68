import { describe, expect, it } from 'vitest';
import { createClientAddressResolver, normaliseAddress } from './client-address';

function req(remoteAddress: string | undefined, headers: Record<string, string> = {}) {
  return { remoteAddress, header: (name: string) => headers[name] };
}

describe('client address', () => {
  it('is the socket peer by default, whatever the headers say', () => {
    const resolve = createClientAddressResolver();
    expect(resolve(req('203.0.113.5', { 'x-forwarded-for': '198.51.100.1', forwarded: 'for=198.51.100.2' }))).toBe('203.0.113.5');
    expect(resolve(req(undefined))).toBe('unknown');
    expect(createClientAddressResolver(false)(req('::ffff:127.0.0.1'))).toBe('127.0.0.1');
    expect(createClientAddressResolver(0)(req('10.0.0.1', { 'x-forwarded-for': '1.2.3.4' }))).toBe('10.0.0.1');
  });

  it('normalises addresses: ports, brackets, zones, IPv4-mapped and IPv6 compression', () => {
    expect(normaliseAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normaliseAddress('[2001:DB8:0:0:0:0:0:1]:443')).toBe('2001:db8::1');
    expect(normaliseAddress('192.0.2.1:8080')).toBe('192.0.2.1');
    expect(normaliseAddress('fe80::1%eth0')).toBe('fe80::1');
    expect(normaliseAddress('2001:db8:0:1:0:0:0:0')).toBe('2001:db8:0:1::');
    expect(normaliseAddress('::')).toBe('::');
    expect(normaliseAddress('1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8');
    for (const bad of ['', 'unknown', '256.1.1.1', '1.2.3', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', 'gggg::1']) expect(normaliseAddress(bad)).toBeUndefined();
  });

  it('trustProxy: a hop count takes the entry that many proxies away, never further than the chain', () => {
    const headers = { 'x-forwarded-for': '198.51.100.9, 203.0.113.7, 10.0.0.2' };
    expect(createClientAddressResolver(1)(req('10.0.0.1', headers))).toBe('10.0.0.2');
    expect(createClientAddressResolver(2)(req('10.0.0.1', headers))).toBe('203.0.113.7');
    expect(createClientAddressResolver(9)(req('10.0.0.1', headers))).toBe('198.51.100.9');
    expect(createClientAddressResolver(1)(req('10.0.0.1'))).toBe('10.0.0.1');
    expect(() => createClientAddressResolver(-1)).toThrow(RangeError);
  });

  it('trustProxy: a list of proxies skips trusted hops from the right, so a spoofed leftmost entry is ignored', () => {
    const resolve = createClientAddressResolver(['10.0.0.0/8', '2001:db8::/32']);
    // The client sent a fake X-Forwarded-For; our load balancer (10.0.0.1) appended the real peer.
    expect(resolve(req('10.0.0.1', { 'x-forwarded-for': '1.1.1.1, 203.0.113.7' }))).toBe('203.0.113.7');
    expect(resolve(req('10.0.0.1', { 'x-forwarded-for': '203.0.113.7, 10.1.2.3' }))).toBe('203.0.113.7');
    expect(resolve(req('[2001:db8::5]', { 'x-forwarded-for': '2001:db9::1' }))).toBe('2001:db9::1');
    // The peer is no trusted proxy: its headers are not read at all.
    expect(resolve(req('203.0.113.50', { 'x-forwarded-for': '1.1.1.1' }))).toBe('203.0.113.50');
    // Every hop trusted: the leftmost entry is the best there is.
    expect(resolve(req('10.0.0.1', { 'x-forwarded-for': '10.9.9.9, 10.0.0.3' }))).toBe('10.9.9.9');
    expect(createClientAddressResolver('loopback, 192.168.0.0/16')(req('127.0.0.1', { 'x-forwarded-for': '192.0.2.4, 192.168.1.1' }))).toBe('192.0.2.4');
    expect(createClientAddressResolver('uniquelocal')(req('172.20.0.1', { 'x-forwarded-for': '192.0.2.4' }))).toBe('192.0.2.4');
    expect(createClientAddressResolver('uniquelocal')(req('172.32.0.1', { 'x-forwarded-for': '192.0.2.4' }))).toBe('172.32.0.1');
    expect(() => createClientAddressResolver(['10.0.0.0/33'])).toThrow(RangeError);
    expect(() => createClientAddressResolver(['proxy.internal'])).toThrow(RangeError);
  });

  it('trustProxy: true trusts every hop (the leftmost entry); a non-address entry becomes an opaque key', () => {
    const resolve = createClientAddressResolver(true);
    expect(resolve(req('10.0.0.1', { 'x-forwarded-for': ' 203.0.113.1 , 10.0.0.2' }))).toBe('203.0.113.1');
    expect(resolve(req('10.0.0.1', { 'x-forwarded-for': 'garbage, 10.0.0.2' }))).toBe('opaque:garbage');
    expect(resolve(req('10.0.0.1', { 'x-forwarded-for': '' }))).toBe('10.0.0.1');
  });

  it('trustProxy with header "forwarded" reads RFC 7239 for= values and ignores X-Forwarded-For', () => {
    const resolve = createClientAddressResolver({ proxies: 1, header: 'forwarded' });
    const headers = { forwarded: 'for=192.0.2.60;proto=http;by=203.0.113.43, For="[2001:db8:cafe::17]:4711"', 'x-forwarded-for': '1.1.1.1' };
    expect(resolve(req('10.0.0.1', headers))).toBe('2001:db8:cafe::17');
    expect(createClientAddressResolver({ proxies: 2, header: 'forwarded' })(req('10.0.0.1', headers))).toBe('192.0.2.60');
    expect(createClientAddressResolver({ proxies: 1, header: 'forwarded' })(req('10.0.0.1', { forwarded: 'for=unknown' }))).toBe('opaque:unknown');
    expect(createClientAddressResolver({ proxies: ['10.0.0.0/8'] })(req('10.0.0.1', headers))).toBe('1.1.1.1');
  });
});
