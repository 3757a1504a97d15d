package io.github.msrsafe;
final class Placeholder {}
