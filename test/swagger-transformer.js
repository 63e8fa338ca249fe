// Runs the @nestjs/swagger CLI plugin under ts-jest too, so apps built in tests document
// their DTOs exactly as `nest build` does (the OpenAPI staleness check depends on it).
const transformer = require('@nestjs/swagger/plugin');
const options = require('../nest-cli.json').compilerOptions.plugins[0].options;

module.exports.name = 'nestjs-swagger-transformer';
module.exports.version = 1;
module.exports.factory = (cs) => transformer.before(options, cs.program);
