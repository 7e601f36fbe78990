export const greet = (name: string): string => `scoped ${name}`;
