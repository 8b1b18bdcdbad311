// The e2e files' environment: node's (with Node's typed arrays, node-realm-environment.js), plus a last word after each file. A file whose beforeAll
// fails half-way never stops the services it did start; left running, they keep jest from exiting
// (and hold their ports for the next file). test/support/e2e.ts adds every service it starts to
// `hallwatchServices` and takes it out when stopped; what is left here is stopped after the file's
// own afterAll hooks have run.
const NodeRealmEnvironment = require('./node-realm-environment');

class E2eEnvironment extends NodeRealmEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.hallwatchServices = new Set();
  }

  async teardown() {
    const left = [...this.global.hallwatchServices];
    await Promise.all(left.map((service) => service.stop()));
    await super.teardown();
  }
}

module.exports = E2eEnvironment;
