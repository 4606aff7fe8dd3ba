// The lite bundle's entry: firebase/app and firebase/firestore/lite (REST only), as a page imports them.
export { deleteApp, initializeApp } from "firebase/app";
export * from "firebase/firestore/lite";
