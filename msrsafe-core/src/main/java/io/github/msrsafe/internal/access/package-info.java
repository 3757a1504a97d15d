/**
 * Not API. Lets the library's exported packages reach what the base package keeps
 * package-private, such as the constructors of its sealed exception family.
 */
package io.github.msrsafe.internal.access;
