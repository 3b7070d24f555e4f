/**
 * The API that service authors compile against. It depends on nothing beyond the JDK, so that a
 * service's own dependencies never clash with Baton's.
 */
package io.baton.api;
