export const hostRecipes = {};
