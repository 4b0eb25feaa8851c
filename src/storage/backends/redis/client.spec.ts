import { isClusterUrl, nodeList, parseRedisTarget } from './client';

describe('Valkey/Redis URLs', () => {
  it('reads one server, with its database and TLS', () => {
    expect(parseRedisTarget('rediss://default:pw@cache.example:6380/3')).toEqual({
      cluster: false,
      tls: true,
      nodes: [{ host: 'cache.example', port: 6380 }],
      database: 3,
    });
    expect(nodeList(parseRedisTarget('redis://[::1]'))).toBe('[::1]:6379');
  });

  it('reads a cluster from its seed and the addr parameters, as go-redis does', () => {
    const url = 'rediss+cluster://u:pw@10.0.0.1:7000?addr=10.0.0.2:7001&addr=[::3]:7002&addr=h4';
    const target = parseRedisTarget(url);
    expect(target).toMatchObject({ cluster: true, tls: true, database: 0 });
    expect(nodeList(target)).toBe('10.0.0.1:7000,10.0.0.2:7001,[::3]:7002,h4:6379');
    expect(isClusterUrl(url)).toBe(true);
    expect(isClusterUrl('redis://10.0.0.1:7000?addr=10.0.0.2:7001')).toBe(false);
  });

  it('takes addr parameters only on a cluster URL', () => {
    expect(parseRedisTarget('redis://a:1?addr=b:2').nodes).toEqual([{ host: 'a', port: 1 }]);
  });
});
