// The browser bundle's entry: the web SDK's Firestore and app entry points, as a page imports them.
export { deleteApp, initializeApp } from "firebase/app";
export * from "firebase/firestore";
