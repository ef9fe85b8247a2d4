export const investigateRecipes = {};
