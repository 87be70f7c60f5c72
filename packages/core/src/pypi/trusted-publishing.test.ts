import { pairIndexWithUpload, parseIndexPair } from './trusted-publishing.js';

test('pypi.org pairs with upload.pypi.org and test.pypi.org with itself, each with its own audience', () => {
  expect(pairIndexWithUpload('https://pypi.org/', 'https://upload.pypi.org/legacy/')).toEqual({
    index: 'pypi.org',
    upload: 'upload.pypi.org',
    audience: 'pypi',
  });
  expect(pairIndexWithUpload('https://test.pypi.org/', 'https://test.pypi.org/legacy/')).toEqual({
    index: 'test.pypi.org',
    upload: 'test.pypi.org',
    audience: 'testpypi',
  });
});

test('an upload host that is not the index one is refused in one line naming both inputs', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'https://pypi.org/',
      'https://test.pypi.org/legacy/',
      /^inputs "index-url" \(pypi\.org\) and "repository-url" \(test\.pypi\.org\) do not belong together: pypi\.org uploads to upload\.pypi\.org; name another pair with "index-pair"/,
    ],
    [
      'https://test.pypi.org/',
      'https://upload.pypi.org/legacy/',
      /^inputs "index-url" \(test\.pypi\.org\) and "repository-url" \(upload\.pypi\.org\) do not belong together: test\.pypi\.org uploads to test\.pypi\.org;/,
    ],
    [
      'https://pypi.example.org/',
      'https://pypi.example.org/legacy/',
      /^inputs "index-url" \(pypi\.example\.org\) and "repository-url" \(pypi\.example\.org\) do not belong together: the known pairs are pypi\.org with upload\.pypi\.org, test\.pypi\.org with itself, a loopback host with itself;/,
    ],
  ];
  for (const [index, upload, message] of cases) {
    expect(() => pairIndexWithUpload(index, upload)).toThrow(message);
    expect(() => pairIndexWithUpload(index, upload)).not.toThrow(/\n/);
  }
});

test('a pair the user names is accepted for exactly those hosts, ports included', () => {
  const named = parseIndexPair('index-pair', 'pypi.example.org=upload.example.org:8443');
  expect(pairIndexWithUpload('https://pypi.example.org/', 'https://upload.example.org:8443/legacy/', named)).toEqual({
    index: 'pypi.example.org',
    upload: 'upload.example.org:8443',
    audience: undefined,
  });
  expect(() => pairIndexWithUpload('https://pypi.example.org/', 'https://evil.example.com/legacy/', named)).toThrow(
    'inputs "index-url" (pypi.example.org) and "repository-url" (evil.example.com) are not the pair "index-pair" names (pypi.example.org with upload.example.org:8443)',
  );
  expect(() => parseIndexPair('index-pair', 'https://pypi.example.org/')).toThrow(
    'input "index-pair" expects index-host=upload-host, got "https://pypi.example.org/"',
  );
  expect(parseIndexPair('index-pair', '')).toBeUndefined();
});

test('plain http is refused except on loopback, where a stand-in pairs with itself', () => {
  expect(() => pairIndexWithUpload('http://pypi.org/', 'https://upload.pypi.org/legacy/')).toThrow(
    'input "index-url" must be an https URL (http only on loopback), got "http://pypi.org/"',
  );
  expect(() => pairIndexWithUpload('https://pypi.org/', 'http://upload.pypi.org/legacy/')).toThrow(
    'input "repository-url" must be an https URL (http only on loopback), got "http://upload.pypi.org/legacy/"',
  );
  expect(pairIndexWithUpload('http://127.0.0.1:8080/', 'http://127.0.0.1:8080/legacy/')).toEqual({
    index: '127.0.0.1:8080',
    upload: '127.0.0.1:8080',
  });
  expect(() => pairIndexWithUpload('http://127.0.0.1:8080/', 'http://127.0.0.1:9090/legacy/')).toThrow(
    /^inputs "index-url" \(127\.0\.0\.1:8080\) and "repository-url" \(127\.0\.0\.1:9090\) do not belong together/,
  );
});
