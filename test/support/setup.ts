// Decorators (type-graphql, TypeORM) read metadata through this polyfill.
import "reflect-metadata";
